import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What a proxy's or a client's id may look like: short, and nothing a log reader must escape. */
const WELL_FORMED = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request's id, read once: the caller's `X-Request-Id` when it is well formed, so one id
 * follows a request through the proxies, otherwise a new one; it is echoed in the response.
 */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers[REQUEST_ID_HEADER.toLowerCase()];
  const id = typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** The route as declared (`/api/admin/users/:id`), never the path a caller sent; null when none matched. */
export function routePatternOf(request: {
  baseUrl?: string;
  route?: { path?: unknown };
}): string | null {
  const path = request.route?.path;
  return typeof path === 'string' ? `${request.baseUrl ?? ''}${path}` : null;
}
