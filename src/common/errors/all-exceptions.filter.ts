import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { AppException } from './app.exception';
import { isDatabaseUnavailable } from './database-unavailable';
import { ERROR_STATUS, ErrorCode } from './error-code';

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  [extra: string]: unknown;
}

const HTTP_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.VALIDATION_FAILED,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.UNAUTHENTICATED,
  [HttpStatus.FORBIDDEN]: ErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ErrorCode.NOT_FOUND,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ErrorCode.PAYLOAD_TOO_LARGE,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCode.TOO_MANY_REQUESTS,
};

/** The single place where errors become `{ statusCode, code, message }`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = errorBody(exception, this.logger);
    const retryAfter = body.retryAfter;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    response.status(body.statusCode).json(body);
  }
}

/** The API's error body for anything thrown; the admin panel answers with it too. */
export function errorBody(exception: unknown, logger: Logger): ErrorBody {
  if (exception instanceof AppException) {
    return {
      statusCode: ERROR_STATUS[exception.code],
      code: exception.code,
      message: exception.message,
      ...exception.details,
    };
  }
  if (isDatabaseUnavailable(exception)) {
    logger.warn(`Database unreachable: ${String(exception)}`);
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      code: ErrorCode.DATABASE_UNAVAILABLE,
      message: 'The database is unreachable; try again shortly',
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = HTTP_STATUS_CODES[status];
    if (code) return { statusCode: status, code, message: exception.message };
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : exception);
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    code: ErrorCode.INTERNAL_ERROR,
    message: 'Internal server error',
  };
}
