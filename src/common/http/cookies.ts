import type { Request } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';

/**
 * The one reader of a request's cookies, for the API and the admin panel alike. A cookie that
 * does not decode is the client's fault: 400 VALIDATION_FAILED, never 500 (I4, I5).
 */
export function readCookie(request: Request, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      throw new AppException(
        ErrorCode.VALIDATION_FAILED,
        `The ${name} cookie is malformed; clear it and sign in again`,
      );
    }
  }
  return undefined;
}
