import { ErrorCode } from './error-code';

/** The one exception modules throw; the filter turns its code into a status. */
export class AppException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields merged into the error body, e.g. `retryAfter`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
