/** The CSRF token of the page a browser would have in front of it. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([0-9a-f]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF token in ${html.slice(0, 500)}`);
  return match[1];
}

const ENTITIES: Record<string, string> = {
  quot: '"',
  '#x27': "'",
  '#39': "'",
  '#x3D': '=',
  '#x60': '`',
  lt: '<',
  gt: '>',
  amp: '&',
};

/**
 * The WebAuthn options a page (the pages' or the panel's) hands its passkey script, read as the
 * script reads them: typed for the software authenticator, which takes them as a browser would.
 */
export function passkeyOptionsIn(html: string): never {
  const match = /data-passkey-options="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no passkey options in ${html.slice(0, 500)}`);
  const text = match[1].replace(
    /&(quot|#x27|#39|#x3D|#x60|lt|gt|amp);/g,
    (_, entity: string) => ENTITIES[entity],
  );
  return JSON.parse(text) as never;
}
