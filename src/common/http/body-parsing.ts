import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';

const BODY_LIMIT = '100kb';

/** body-parser labels its errors with a `type`; each is the client's fault and gets its own code. */
const PARSER_ERRORS: Record<string, [ErrorCode, string]> = {
  'entity.parse.failed': [ErrorCode.MALFORMED_JSON, 'The request body is not valid JSON'],
  'entity.too.large': [ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is larger than 100 kB'],
  'parameters.too.many': [ErrorCode.PAYLOAD_TOO_LARGE, 'The request body has too many parameters'],
  'encoding.unsupported': [
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'The request body encoding is not supported',
  ],
  'charset.unsupported': [
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'The request body charset is not supported',
  ],
  'request.aborted': [ErrorCode.VALIDATION_FAILED, 'The request body was cut short'],
  'request.size.invalid': [
    ErrorCode.VALIDATION_FAILED,
    'The request body does not match its Content-Length',
  ],
};

const UNREADABLE_BODY = 'The request body could not be read as its Content-Encoding says';

/**
 * Our own parsers instead of Nest's, so their errors reach the exception filter with their
 * meaning intact (Nest turns a JSON syntax error into a bare 400).
 */
export function bodyParsers(): (RequestHandler | ErrorRequestHandler)[] {
  const explainParserError: ErrorRequestHandler = (error: unknown, _request, _response, next) => {
    const { type, status } =
      typeof error === 'object' && error !== null
        ? (error as { type?: unknown; status?: unknown })
        : {};
    const known = typeof type === 'string' ? PARSER_ERRORS[type] : undefined;
    if (known) return next(new AppException(known[0], known[1]));
    // Labelled by its status only: a body whose Content-Encoding (gzip, deflate, br) does not
    // decompress is the client's fault too (I4), not a 500.
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return next(new AppException(ErrorCode.VALIDATION_FAILED, UNREADABLE_BODY));
    }
    next(error);
  };
  return [
    express.json({ limit: BODY_LIMIT }),
    express.urlencoded({ limit: BODY_LIMIT, extended: false }),
    explainParserError,
    refuseHostileShapes,
  ];
}

/** No request body of this API nests deeper than a few levels. */
const MAX_DEPTH = 32;

/**
 * class-transformer drops these keys without a word, so the whitelist never sees them, and takes
 * a nested object holding `constructor` for a class (a 500): they are refused as unknown fields.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor']);

/**
 * I4, before any guard, pipe or passport sees the request: a body nested thousands of levels
 * deep parses, then overflows the stack of the recursive validators after it, so it is walked
 * without recursion; prototype keys are refused at any depth, in the body and the query.
 */
const refuseHostileShapes: RequestHandler = (request, _response, next) => {
  const problem = hostileShape(request.body) ?? hostileShape(request.query);
  next(problem === undefined ? undefined : new AppException(ErrorCode.VALIDATION_FAILED, problem));
};

/** What makes a parsed value hostile (too deep, a prototype key anywhere), or undefined. */
export function hostileShape(root: unknown): string | undefined {
  const pending: [value: unknown, path: string, depth: number][] = [[root, '', 0]];
  while (pending.length > 0) {
    const [value, path, depth] = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) return 'The request body is nested too deeply';
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) return `property ${at} should not exist`;
      pending.push([child, at, depth + 1]);
    }
  }
  return undefined;
}
