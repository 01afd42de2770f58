import { getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CODES_EXTENSION } from './api-doc.decorator';
import { ErrorBodyDto } from './error-body.dto';
import { ERROR_STATUS, ErrorCode } from './error-code';

type Operation = NonNullable<OpenAPIObject['paths'][string]['post']> & {
  [ERROR_CODES_EXTENSION]?: ErrorCode[];
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Each operation's error codes (ApiDoc's, and those its shape implies) become one response per
 * status whose `code` lists exactly them, so a generated client knows what to branch on; `default`
 * still says that any error has the same shape.
 */
export function documentErrors(document: OpenAPIObject): void {
  const errorBody = { $ref: getSchemaPath(ErrorBodyDto) };
  for (const item of Object.values(document.paths)) {
    for (const operation of METHODS.map((method): Operation | undefined => item[method])) {
      if (!operation) continue;
      const codes = new Set(operation[ERROR_CODES_EXTENSION] ?? []);
      delete operation[ERROR_CODES_EXTENSION];
      if (operation.requestBody || operation.parameters?.length) {
        codes.add(ErrorCode.VALIDATION_FAILED);
      }
      if (operation.security?.length) {
        codes.add(ErrorCode.UNAUTHENTICATED).add(ErrorCode.TWO_FACTOR_REQUIRED);
      }
      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of Object.values(ErrorCode).filter((code) => codes.has(code))) {
        byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
      }
      for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
        operation.responses[status] = {
          description: statusCodes.map((code) => `\`${code}\``).join(', '),
          content: {
            'application/json': {
              schema: {
                allOf: [
                  errorBody,
                  { type: 'object', properties: { code: { type: 'string', enum: statusCodes } } },
                ],
              },
            },
          },
        };
      }
      operation.responses.default = {
        description: 'Any error: branch on `code`.',
        content: { 'application/json': { schema: errorBody } },
      };
    }
  }
}
