import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiOperation } from '@nestjs/swagger';
import type { ErrorCode } from './error-code';

/** Where an operation keeps its error codes until openapi-errors.ts turns them into responses. */
export const ERROR_CODES_EXTENSION = 'x-error-codes';

/**
 * An operation's one-line summary and the error codes it answers beyond those that follow from
 * its shape (any input: VALIDATION_FAILED; a bearer token: UNAUTHENTICATED, TWO_FACTOR_REQUIRED).
 */
export function ApiDoc(summary: string, ...errors: ErrorCode[]): MethodDecorator {
  return applyDecorators(ApiOperation({ summary }), ApiErrors(...errors));
}

/** The error codes alone, beside an `@ApiOperation` that says more than a summary. */
export function ApiErrors(...errors: ErrorCode[]): MethodDecorator {
  return ApiExtension(ERROR_CODES_EXTENSION, errors);
}
