import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import type { BrowserErrorPages } from 'src/common/errors/all-exceptions.filter';
import { AppException } from 'src/common/errors/app.exception';
import { isDatabaseUnavailable } from 'src/common/errors/database-unavailable';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { pageHeaders } from './page-headers';
import { hasPageSession, PageRenderer, type PageError } from './page-renderer';
import type { PageRequest } from './page-session';

/** Where the API, the admin panel and the metrics answer for themselves. */
const NOT_PAGES = /^\/(api|admin|metrics)(\/|$)/;

/**
 * What escapes a page route becomes a page, never JSON: the product's refusals and bad input
 * with their 4xx status (I5), an unreachable database 503, anything else logged and 500. So does
 * what a browser asking for a page meets before any route (an unknown address, a body the
 * parsers refuse), outside the API and the panel.
 */
@Catch()
@Injectable()
export class PageErrorsFilter implements ExceptionFilter, BrowserErrorPages {
  private readonly logger = new Logger('Pages');
  private readonly headers: RequestHandler;

  constructor(
    private readonly renderer: PageRenderer,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.headers = pageHeaders(config);
  }

  serves(request: Request): boolean {
    return !NOT_PAGES.test(request.path) && request.accepts(['json', 'html']) === 'html';
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<PageRequest>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const error = this.toError(request, exception);
    const render = () =>
      this.renderer.render(request, response, 'error', { titleKey: 'error.title', error });
    // Where no page route ran, the pages' headers (their CSP first) are not set yet.
    if (hasPageSession(request)) render();
    else void this.headers(request, response, render);
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
