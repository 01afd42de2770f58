/**
 * What the passkey script (passkeys.js) posts in a form's `response` field: the authenticator's
 * answer as JSON. Answers the object the API's WebAuthn DTOs take, or undefined for anything else
 * (the caller refuses it as bad input; the passkey service checks the object itself).
 */
export function passkeyAnswerOf(json: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
