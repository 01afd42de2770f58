import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import formidable from 'express-formidable';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { hostileShape } from 'src/common/http/body-parsing';

/**
 * What every request under /admin passes before anything reads it: the one spelling of the
 * mount, the cross-site and Origin checks (A6), the body reader (I5) and the script nonce.
 */

/** The largest panel form (a new user) is well under 2 kB. */
const BODY_LIMIT = 10 * 1024;
const BODY_TYPES = ['multipart/form-data', 'application/x-www-form-urlencoded', 'application/json'];

/** API routes answer JSON; pages answer text. The router matches `/api` in any letter case. */
export function isApiRequest(request: Request): boolean {
  return /^\/api(\/|$)/i.test(request.path);
}

/**
 * Express matches `/ADMIN` as `/admin`, but the session cookie's path is case-sensitive, so no
 * session is loaded there: the panel answers at `/admin` only.
 */
export const exactMountOnly: RequestHandler = (request, _response, next) =>
  next(
    request.baseUrl === '/admin'
      ? undefined
      : new AppException(ErrorCode.NOT_FOUND, 'The admin panel is at /admin'),
  );

/**
 * A6, for every path under /admin whatever its spelling (letter case, encoding, slashes), since
 * no check here reads the path:
 * - a request the browser says came from another site (Sec-Fetch-Site) is refused, except a
 *   top-level GET navigation (a link to the panel), which changes nothing and carries no session
 *   (the cookie is SameSite=Strict);
 * - anything but GET and HEAD must name the panel's own origin in `Origin`: PUBLIC_URL's, or the
 *   one the request was sent to (behind a proxy, TRUST_PROXY lets Express see it). Browsers send
 *   Origin on every POST, AdminJS's axios calls and the sign-in forms alike, so an exact match
 *   needs nothing from AdminJS's front end, where a token would need a readable cookie for axios
 *   and a hidden field in each form. A request without Origin is not from a panel page: refused.
 */
export function sameOriginOnly(publicUrl: string): RequestHandler {
  const configured = new URL(publicUrl).origin;
  return (request, _response, next) => {
    const site = request.headers['sec-fetch-site'];
    const link =
      request.method === 'GET' &&
      request.headers['sec-fetch-mode'] === 'navigate' &&
      request.headers['sec-fetch-dest'] === 'document';
    if (site !== undefined && site !== 'same-origin' && site !== 'none' && !link) {
      return next(forbidden('Cross-site requests to the admin panel are refused'));
    }
    if (request.method === 'GET' || request.method === 'HEAD') return next();
    const origin = request.headers.origin;
    if (origin === configured || origin === `${request.protocol}://${request.host}`) return next();
    next(forbidden("Changes in the admin panel must come from the panel's own pages (Origin)"));
  };
}

function forbidden(message: string): AppException {
  return new AppException(ErrorCode.FORBIDDEN, message);
}

/**
 * I5: every body under /admin is read here, once, for the sign-in forms and AdminJS alike (which
 * then skips its own express-formidable, as it does for a parsed request). Its defaults would take
 * 20 MB of fields, any file, any length of JSON, and answer a body it cannot read with a 500. Here
 * a body states its length, is at most 10 kB, is a form or JSON, and holds no file.
 */
export function readBodies(): RequestHandler {
  const parse = formidable({
    maxFieldsSize: BODY_LIMIT,
    maxFields: 100,
    onPart(this: FormidableForm, part: { filename?: string }) {
      if (part.filename === undefined) this.handlePart(part);
      else this._error(new AppException(ErrorCode.VALIDATION_FAILED, 'The panel takes no files'));
    },
  });
  return (request, response, next) => {
    if (request.headers['transfer-encoding'] !== undefined) {
      return next(
        new AppException(
          ErrorCode.VALIDATION_FAILED,
          'A request body sent to the admin panel must state its Content-Length',
        ),
      );
    }
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > BODY_LIMIT) return next(tooLarge());
    if (length > 0 && !request.is(BODY_TYPES)) {
      return next(
        new AppException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          'The admin panel takes forms and JSON only',
        ),
      );
    }
    // formidable may report an unreadable body twice (as an event and to its callback).
    let settled = false;
    parse(request, response, (error?: unknown) => {
      if (settled) return;
      settled = true;
      next(error === undefined ? undefined : unreadable(error));
    });
  };
}

/**
 * AdminJS looks query and field names up in plain objects, where `constructor` or `toString`
 * finds Object's own (a 500), and formidable assigns a `__proto__` field as the prototype: such
 * names, also as a part of a dotted name, are refused (I4, I5). A JSON body's nested values are
 * held to the API's rule (no prototype key at any depth, bounded nesting): class-transformer
 * fails on them with a 500 where a form's answer is validated.
 */
export const noPrototypeKeys: RequestHandler = (request, _response, next) => {
  const fields = (request as Request & { fields?: object }).fields ?? {};
  const names = [...Object.keys(request.query), ...Object.keys(fields)];
  const prototypeName =
    Object.getPrototypeOf(fields) !== Object.prototype ||
    names.some((name) => name.split('.').some((part) => part in Object.prototype));
  const problem = prototypeName
    ? 'Names such as __proto__ or constructor are refused in queries and forms'
    : hostileShape(fields);
  next(problem === undefined ? undefined : new AppException(ErrorCode.VALIDATION_FAILED, problem));
};

interface FormidableForm {
  handlePart(part: unknown): void;
  _error(error: Error): void;
}

function tooLarge(): AppException {
  return new AppException(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is larger than 10 kB');
}

/** Whatever formidable could not read was the client's body: 413 when too large, else 400. */
function unreadable(error: unknown): AppException {
  if (error instanceof AppException) return error;
  if (error instanceof Error && /exceeded/.test(error.message)) return tooLarge();
  return new AppException(ErrorCode.VALIDATION_FAILED, 'The request body could not be read');
}

/**
 * A fresh nonce per response, named by the CSP (`scriptNonce`) and given to the inline scripts
 * AdminJS writes into its page, so the policy allows no inline script but those. Only a
 * `<script>` at the end of a line gets it: that is how AdminJS writes its two, and a value it
 * interpolates (JSON, where a line break is always escaped) can never end a line, so an injected
 * tag stays inert.
 */
export const scriptNonces: RequestHandler = (_request, response, next) => {
  const nonce = randomBytes(16).toString('base64');
  response.locals.scriptNonce = nonce;
  const send = response.send.bind(response);
  response.send = (body?: unknown) =>
    send(
      typeof body === 'string' && isHtml(response)
        ? body.replace(/<script>(?=\r?\n)/g, `<script nonce="${nonce}">`)
        : body,
    );
  next();
};

/** For helmet's CSP: the nonce of this response. */
export function scriptNonceOf(response: Response): string {
  return `'nonce-${response.locals.scriptNonce as string}'`;
}

function isHtml(response: Response): boolean {
  const type = response.get('Content-Type');
  return type === undefined || type.startsWith('text/html');
}
