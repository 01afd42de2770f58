import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { hostileShape } from 'src/common/http/body-parsing';

/**
 * What the passkey script (passkeys.js) posts in a form's `response` field: the authenticator's
 * answer as JSON. Answers the object the API's WebAuthn DTOs take, or undefined for anything else
 * (the caller refuses it as bad input; the passkey service checks the object itself). Parsed here,
 * it never met the body parsers' check: a prototype key or deep nesting is refused as they refuse
 * it (I4), or class-transformer fails on it with a 500.
 */
export function passkeyAnswerOf(json: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  return typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    hostileShape(value) === undefined
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `passkeyAnswerOf` for a form's field: anything but such an object is a 400, and changes nothing. */
export function passkeyResponseOf(json: string): Record<string, unknown> {
  const answer = passkeyAnswerOf(json);
  if (!answer) {
    throw new AppException(
      ErrorCode.VALIDATION_FAILED,
      'The answer of the passkey was not understood',
    );
  }
  return answer;
}
