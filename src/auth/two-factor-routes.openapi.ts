import { getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { SessionDto } from 'src/sessions/sessions.dto';
import type { PayloadType, RouteDoc, SecondFactorMethod } from 'src/two-factor/second-factor';

type PathItemObject = OpenAPIObject['paths'][string];
type OperationObject = NonNullable<PathItemObject['post']>;

const BASE = '/api/me/two-factor/{method}';
const LAST_METHOD = '409 LAST_METHOD_REQUIRED when 2FA is mandatory and this is the last method.';

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
    const { api } = method;
    const path = `/api/me/two-factor/${method.name}`;
    expanded[path] = {
      post: operation(begin, api.begin, `(S) ${api.begin.description ?? ''}`.trim(), {
        requestBody: bodyOf(api.begin.body),
        responses: { [api.begin.status]: answer(api.begin.description, api.begin.answer) },
      }),
      delete: operation(remove, api.remove, described(LAST_METHOD, api.remove.description)),
    };
    if (method.resendSetup && api.resend) {
      expanded[`${path}/resend`] = {
        post: operation(resend, api.resend, `(S) ${api.resend.description ?? ''}`.trim()),
      };
    }
    expanded[`${path}/confirm`] = {
      post: operation(confirm, api.confirm, described('(S)', api.confirm.description), {
        requestBody: bodyOf(api.confirm.body),
        responses: {
          200: {
            description: described('(S)', api.confirm.description),
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    { $ref: getSchemaPath(api.confirm.answer) },
                    { $ref: getSchemaPath(SessionDto) },
                  ],
                },
              },
            },
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
        delete: operation(removeCredential, api.removeCredential, description),
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
  parts: Partial<Pick<OperationObject, 'requestBody' | 'responses'>> = {},
): OperationObject {
  const status = Object.keys(generic.responses).find((code) => code !== 'default') ?? '200';
  const requestBody = parts.requestBody ?? generic.requestBody;
  return {
    operationId: route.operationId,
    parameters: (generic.parameters ?? []).filter(
      (parameter) => !('name' in parameter) || parameter.name !== 'method',
    ),
    ...(requestBody ? { requestBody } : {}),
    responses: parts.responses ?? { [status]: { description } },
    security: generic.security,
    tags: generic.tags,
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
