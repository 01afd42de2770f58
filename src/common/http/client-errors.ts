import type { Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, ErrorCode } from 'src/common/errors/error-code';
import { LIMITS } from 'src/config/limits';

/** What Node's HTTP layer refuses, by its error code: [code, reason phrase, message]. */
const ANSWERS: Record<string, [ErrorCode, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    ErrorCode.HEADERS_TOO_LARGE,
    'Request Header Fields Too Large',
    'The request line and headers are larger than 16 kB',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    ErrorCode.REQUEST_TIMEOUT,
    'Request Timeout',
    'The request was not received in time',
  ],
};
const NOT_HTTP: [ErrorCode, string, string] = [
  ErrorCode.MALFORMED_REQUEST,
  'Bad Request',
  'The request is not valid HTTP',
];

/**
 * Requests Node's HTTP layer refuses before any middleware sees them (a request line or headers
 * over 16 kB, bytes that are not HTTP, a request not received in time) still answer in the API's
 * error shape, with a `code`; then the connection is closed.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A request can time out after its route has begun answering: never write into that answer.
    const inProgress = (socket as { _httpMessage?: ServerResponse })._httpMessage;
    if (!socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    const [code, reason, message] = (error.code && ANSWERS[error.code]) || NOT_HTTP;
    const status = ERROR_STATUS[code];
    const body = JSON.stringify({ statusCode: status, code, message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  });
}

/**
 * I4: a client that trickles its headers or body holds a connection, and a request in progress,
 * for Node's default 5 minutes. The whole request must arrive within `requestTimeoutSeconds`
 * (answered 408 by `answerClientErrors` otherwise), and an idle kept-alive connection is closed.
 */
export function limitSlowClients(server: Server, requestTimeoutSeconds: number): void {
  server.requestTimeout = requestTimeoutSeconds * 1000;
  server.headersTimeout = server.requestTimeout;
  server.keepAliveTimeout = LIMITS.http.keepAliveIdleMs;
  // Node checks the two timeouts every 30 s by default, so a 30 s limit could hold for 60 s.
  // It reads this when the server starts listening, which comes after this call.
  Object.assign(server, { connectionsCheckingInterval: LIMITS.http.timeoutCheckIntervalMs });
}
