import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, ErrorCode } from 'src/common/errors/error-code';

/**
 * Requests Node's HTTP parser refuses before any middleware sees them (a request line or headers
 * over 16 kB, bytes that are not HTTP) still answer in the API's error shape, with a `code`.
 */
export function answerUnparseableRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const [code, reason, message] = tooLarge
      ? [
          ErrorCode.HEADERS_TOO_LARGE,
          'Request Header Fields Too Large',
          'The request line and headers are larger than 16 kB',
        ]
      : [ErrorCode.MALFORMED_REQUEST, 'Bad Request', 'The request is not valid HTTP'];
    const status = ERROR_STATUS[code];
    const body = JSON.stringify({ statusCode: status, code, message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
