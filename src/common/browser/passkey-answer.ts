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
