/** What the database drivers (mysql2, and the sockets under it) say when the server is away. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
]);

/**
 * C2: whether an error means the database cannot be reached, directly or wrapped by TypeORM
 * (`driverError`); such a request answers 503 DATABASE_UNAVAILABLE, not 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 3; depth++) {
    if (typeof current !== 'object') return false;
    const { code, driverError } = current as { code?: unknown; driverError?: unknown };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    current = driverError;
  }
  return false;
}
