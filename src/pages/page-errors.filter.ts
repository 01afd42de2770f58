import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { AppException } from 'src/common/errors/app.exception';
import { isDatabaseUnavailable } from 'src/common/errors/database-unavailable';
import { PageRenderer, type PageError } from './page-renderer';
import type { PageRequest } from './page-session';

/**
 * What escapes a page route becomes a page, never JSON: the product's refusals and bad input
 * with their 4xx status (I5), an unreachable database 503, anything else logged and 500.
 */
@Catch()
@Injectable()
export class PageErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Pages');

  constructor(private readonly renderer: PageRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<PageRequest>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    this.renderer.render(request, response, 'error', {
      titleKey: 'error.title',
      error: this.toError(request, exception),
    });
  }

  private toError(request: PageRequest, exception: unknown): PageError {
    if (exception instanceof AppException) return this.renderer.refusal(request, exception);
    if (isDatabaseUnavailable(exception)) {
      return { key: 'error.DATABASE_UNAVAILABLE', status: HttpStatus.SERVICE_UNAVAILABLE };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status: number = exception.getStatus();
      const notFound = status === 404;
      return { key: notFound ? 'error.NOT_FOUND' : 'error.VALIDATION_FAILED', status };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : exception,
    );
    return { key: 'error.INTERNAL_ERROR', status: HttpStatus.INTERNAL_SERVER_ERROR };
  }
}
