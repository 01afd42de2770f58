import { getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CODES_EXTENSION } from 'src/common/errors/api-doc.decorator';
import { ErrorCode } from 'src/common/errors/error-code';
import { SessionDto } from 'src/sessions/sessions.dto';
import { CodeDto } from 'src/two-factor/method-payloads.dto';
import type { PayloadType, RouteDoc, SecondFactorMethod } from 'src/two-factor/second-factor';
import { METHOD_ENABLED } from './method-setup.service';

type PathItemObject = OpenAPIObject['paths'][string];
type OperationObject = NonNullable<PathItemObject['post']>;

const BASE = '/api/me/two-factor/{method}';
const LAST_METHOD = '409 LAST_METHOD_REQUIRED when 2FA is mandatory and this is the last method.';
/** Every change re-checks the password (P6); a setup token needs none. */
const PASSWORD = [ErrorCode.INVALID_PASSWORD, ErrorCode.TOO_MANY_ATTEMPTS];
const CODE_ERRORS = [ErrorCode.INVALID_CODE, ErrorCode.CODE_ALREADY_USED, ErrorCode.CODE_EXPIRED];
/** A method that mails its setup codes. */
const SENDS = [ErrorCode.TOO_MANY_REQUESTS, ErrorCode.MAIL_UNAVAILABLE];

/** Every DTO the methods' routes take or answer, for the document's schemas. */
export function methodRouteModels(methods: readonly SecondFactorMethod[]): PayloadType[] {
  return methods.flatMap(({ api }) => [
    api.begin.body,
    api.begin.answer,
    api.confirm.body,
    api.confirm.answer,
    api.status,
  ]);
}

/**
 * The generic `{method}` routes of TwoFactorSettingsController, shown once per registered
 * method with that method's payloads, status codes and operation ids, in place of the generic
 * ones: a client reads `POST /api/me/two-factor/totp` answering `TotpEnrolmentDto` with 201.
 */
export function documentMethodRoutes(
  document: OpenAPIObject,
  methods: readonly SecondFactorMethod[],
): void {
  const generic = (suffix: string) => document.paths[`${BASE}${suffix}`];
  const begin = generic('').post!;
  const remove = generic('').delete!;
  const resend = generic('/resend').post!;
  const confirm = generic('/confirm').post!;
  const removeCredential = generic('/credentials/{credentialId}').delete!;

  const expanded: Record<string, PathItemObject> = {};
  for (const method of [...methods].sort((a, b) => a.name.localeCompare(b.name))) {
    const { api, label } = method;
    const path = `/api/me/two-factor/${method.name}`;
    const sends = method.resendSetup ? SENDS : [];
    expanded[path] = {
      post: operation(begin, api.begin, `(S) ${api.begin.description ?? ''}`.trim(), {
        summary: `Set up or replace ${label}`,
        errors: [...PASSWORD, ...sends],
        requestBody: bodyOf(api.begin.body),
        responses: { [api.begin.status]: answer(api.begin.description, api.begin.answer) },
      }),
      delete: operation(remove, api.remove, described(LAST_METHOD, api.remove.description), {
        summary: `Remove ${label}`,
        errors: [...PASSWORD, ErrorCode.METHOD_NOT_ENABLED, ErrorCode.LAST_METHOD_REQUIRED],
      }),
    };
    if (method.resendSetup && api.resend) {
      expanded[`${path}/resend`] = {
        post: operation(resend, api.resend, `(S) ${api.resend.description ?? ''}`.trim(), {
          summary: `Send another setup code for ${label}`,
          errors: [ErrorCode.NOTHING_PENDING, ErrorCode.RESEND_TOO_SOON, ...sends],
        }),
      };
    }
    const answers = confirmationAnswers(document, api.confirm.answer);
    expanded[`${path}/confirm`] = {
      post: operation(confirm, api.confirm, described('(S)', api.confirm.description), {
        summary: `Confirm ${label}`,
        errors: [
          ErrorCode.NOTHING_PENDING,
          ...(api.confirm.body === CodeDto ? CODE_ERRORS : [ErrorCode.PASSKEY_REFUSED]),
        ],
        requestBody: bodyOf(api.confirm.body),
        responses: {
          200: {
            description: described('(S)', api.confirm.description),
            content: { 'application/json': { schema: answers } },
          },
        },
      }),
    };
    if (method.removeCredential && api.removeCredential) {
      const description = described(
        `${LAST_METHOD} 404 NOT_FOUND for a credential the user does not have.`,
        api.removeCredential.description,
      );
      expanded[`${path}/credentials/{credentialId}`] = {
        delete: operation(removeCredential, api.removeCredential, description, {
          summary: `Remove one ${label}`,
          errors: [...PASSWORD, ErrorCode.NOT_FOUND, ErrorCode.LAST_METHOD_REQUIRED],
        }),
      };
    }
  }

  // The methods' routes stand where the generic ones stood, so the document keeps its order.
  const paths: OpenAPIObject['paths'] = {};
  for (const [key, item] of Object.entries(document.paths)) {
    if (key === BASE) Object.assign(paths, expanded);
    else if (!key.startsWith(`${BASE}/`)) paths[key] = item;
  }
  document.paths = paths;
}

/**
 * One method's operation from the generic one: its security and tags stay, the `method`
 * parameter goes, and a bodiless success answer is the default.
 */
function operation(
  generic: OperationObject,
  route: RouteDoc,
  description: string,
  parts: Partial<Pick<OperationObject, 'requestBody' | 'responses'>> & {
    summary: string;
    /** Beyond those its shape implies (common/errors/openapi-errors.ts). */
    errors: ErrorCode[];
  },
): OperationObject {
  const status = Object.keys(generic.responses).find((code) => code !== 'default') ?? '200';
  const requestBody = parts.requestBody ?? generic.requestBody;
  const documented: OperationObject = {
    operationId: route.operationId,
    summary: parts.summary,
    parameters: (generic.parameters ?? []).filter(
      (parameter) => !('name' in parameter) || parameter.name !== 'method',
    ),
    ...(requestBody ? { requestBody } : {}),
    responses: parts.responses ?? { [status]: { description } },
    security: generic.security,
    tags: generic.tags,
  };
  return Object.assign(documented, { [ERROR_CODES_EXTENSION]: parts.errors });
}

/**
 * A confirmation answers the method's DTO with `status: "method_enabled"` to a signed-in user, or
 * a session (`status: "authenticated"`) to a setup token: one `oneOf` told apart by `status`.
 */
function confirmationAnswers(document: OpenAPIObject, answerType: PayloadType) {
  const name = `${answerType.name}Confirmation`;
  const schemas = (document.components ??= {}).schemas ?? (document.components.schemas = {});
  schemas[name] = {
    allOf: [
      { $ref: getSchemaPath(answerType) },
      {
        type: 'object',
        required: ['status'],
        properties: { status: { type: 'string', enum: [METHOD_ENABLED] } },
      },
    ],
  };
  return {
    oneOf: [{ $ref: `#/components/schemas/${name}` }, { $ref: getSchemaPath(SessionDto) }],
    discriminator: {
      propertyName: 'status',
      mapping: {
        [METHOD_ENABLED]: `#/components/schemas/${name}`,
        authenticated: getSchemaPath(SessionDto),
      },
    },
  };
}

function bodyOf(type: PayloadType): OperationObject['requestBody'] {
  return {
    required: true,
    content: { 'application/json': { schema: { $ref: getSchemaPath(type) } } },
  };
}

function answer(description: string | undefined, type: PayloadType) {
  return {
    description: `(S) ${description ?? ''}`.trim(),
    content: { 'application/json': { schema: { $ref: getSchemaPath(type) } } },
  };
}

function described(prefix: string, description: string | undefined): string {
  return description ? `${prefix} ${description}` : prefix;
}
