import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { assignRequestId, routePatternOf } from 'src/common/http/request-id';
import { requestScope } from './app-logger';

type LoggedRequest = IncomingMessage &
  Partial<Pick<Request, 'baseUrl' | 'route'>> & {
    /** Set by the access guard (src/access/principal.ts) once a token is verified. */
    principal?: { accountId: string };
  };

/**
 * One line per request, written when it ends: method, route pattern, status, duration, request id
 * and account id. Never the path as sent, a query, a header or a body (L2): tokens travel in them.
 * Everything the request logs meanwhile carries the same request id.
 */
export function requestLogging(root: Pino) {
  const line = (request: LoggedRequest, response: ServerResponse, responseTime: number) => ({
    method: request.method,
    route: routePatternOf(request),
    status: response.statusCode,
    durationMs: responseTime,
    accountId: request.principal?.accountId,
  });
  const message = (request: LoggedRequest, response: ServerResponse) =>
    `${request.method} ${routePatternOf(request) ?? '(no route)'} ${response.statusCode}`;
  const log = pinoHttp<LoggedRequest>({
    logger: root,
    genReqId: assignRequestId,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : 'info',
    customSuccessObject: (request, response, value: { responseTime: number }) =>
      line(request, response, value.responseTime),
    customErrorObject: (request, response, _error, value: { responseTime: number }) =>
      line(request, response, value.responseTime),
    customSuccessMessage: message,
    customErrorMessage: message,
  });
  // Named: the admin panel's router is placed right after this layer (admin-panel/panel.loader.ts).
  return function requestLogging(request: Request, response: Response, next: NextFunction): void {
    log(request, response, () => requestScope.run(request.log, next));
  };
}
