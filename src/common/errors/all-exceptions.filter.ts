import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
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

/** Error pages for the browsers they serve, where the app has pages (src/pages provides them). */
export interface BrowserErrorPages extends ExceptionFilter {
  serves(request: Request): boolean;
}

export const BROWSER_ERROR_PAGES = Symbol('BROWSER_ERROR_PAGES');

/**
 * The single place where errors become `{ statusCode, code, message }`; a browser asking for a
 * page outside the API gets the pages' error page instead.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly pages?: BrowserErrorPages) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    if (this.pages?.serves(request)) {
      this.pages.catch(exception, host);
      return;
    }
    const response = host.switchToHttp().getResponse<Response>();
    const body = errorBody(exception, this.logger);
    setRetryAfter(response, body);
    response.status(body.statusCode).json(body);
  }
}

/** A refusal that says when to try again (`retryAfter`) says it in the header too. */
export function setRetryAfter(response: Response, body: ErrorBody): void {
  if (typeof body.retryAfter === 'number') {
    response.setHeader('Retry-After', String(body.retryAfter));
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
