import { DynamicModule, Global, Module } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';
import type { AppConfig, LogLevelName } from 'src/config/app-config';
import { AppLogger } from './app-logger';
import { requestLogging } from './request-logging';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** The Express middleware that logs each request and scopes its logs (request-logging.ts). */
export const REQUEST_LOGGING = Symbol('REQUEST_LOGGING');

const PINO_LEVELS: Record<LogLevelName, pino.Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Defence in depth for L2: nothing logs these today; a field of such a name, at any depth, in an
 * object someone logs tomorrow is blanked rather than written.
 */
const SECRET_KEY = /^(password|code|secret|token|.+Token|authorization|cookie|headers|body)$/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object' || value instanceof Error)
    return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1),
    ]),
  );
}

/**
 * JSON lines on stdout in production (one object per line, for a log shipper); readable lines in
 * development. Tests pass their own destination to read what was logged.
 */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Pino {
  return pino(
    {
      level: PINO_LEVELS[config.logLevel],
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redact(object) as Record<string, unknown>,
      },
    },
    destination ?? (config.production ? pino.destination({ dest: 1, sync: true }) : readable()),
  );
}

/** pino-pretty, loaded only outside production; synchronous so no worker thread outlives the app. */
function readable(): DestinationStream {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty({
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'context,requestId,method,route,status,durationMs,accountId',
    messageFormat: [
      '{if context}[{context}] {end}{msg}',
      '{if durationMs} {durationMs} ms{end}{if accountId} account {accountId}{end}',
      '{if requestId} (request {requestId}){end}',
    ].join(''),
    singleLine: true,
  });
}

@Global()
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    const root = createRootLogger(config, destination);
    return {
      module: LoggingModule,
      providers: [
        { provide: ROOT_LOGGER, useValue: root },
        { provide: AppLogger, useValue: new AppLogger(root) },
        { provide: REQUEST_LOGGING, useValue: requestLogging(root) },
      ],
      exports: [ROOT_LOGGER, AppLogger, REQUEST_LOGGING],
    };
  }
}
