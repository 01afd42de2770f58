import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import type { Level, Logger as Pino } from 'pino';

/** The logger of the request being served (it carries the request's id), if any. */
export const requestScope = new AsyncLocalStorage<Pino>();

/** Nest's start-up chatter (a line per module and route) goes to debug; the banner says what matters. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * Nest's `Logger` (every `new Logger('Mail')` in src/) written through pino: within a request
 * each line carries that request's id. Per app rather than nestjs-pino's process-wide logger, so
 * the apps a test starts side by side keep their own lines.
 */
export class AppLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    const level = STARTUP_CONTEXTS.has(contextOf(params) ?? '') ? 'debug' : 'info';
    this.write(level, message, params);
  }
  /** Nest calls `error(message, stack?, context?)`: a lone parameter is a stack when it reads as one. */
  error(message: unknown, ...params: unknown[]): void {
    const [first] = params;
    const stack =
      params.length > 1 || (typeof first === 'string' && /\n\s+at /.test(first))
        ? first
        : undefined;
    this.write('error', message, stack === undefined ? params : params.slice(1), { stack });
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[], extra: object = {}): void {
    const logger = requestScope.getStore() ?? this.root;
    const fields = { context: contextOf(params), ...extra };
    if (message instanceof Error) logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'string') logger[level](fields, message);
    else logger[level]({ ...fields, data: message });
  }
}

/** Nest passes the context as the last parameter (after a stack trace, for errors). */
function contextOf(params: unknown[]): string | undefined {
  const last = params.at(-1);
  return typeof last === 'string' ? last : undefined;
}
