import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { csrfSync } from 'csrf-sync';
import { AppException } from 'src/common/errors/app.exception';
import { ERROR_STATUS } from 'src/common/errors/error-code';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.module';
import { formatDate, isMessageKey, languageOf, type MessageKey } from './page-i18n';
import { LOCAL_PATH } from './pages.forms';
import { takeNotice, type Notice, type PageRequest } from './page-session';
import { PageAssets } from './page-assets';
import type { PageLocals } from './page-views';

/**
 * U2: csrf-sync's synchroniser token, kept in the page session and sent back in each form's
 * `_csrf` field. The token is random per session and replaced whenever the session id is
 * (each sign-in step starts a fresh session).
 */
export const csrf = csrfSync({
  getTokenFromRequest: (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    return typeof body?._csrf === 'string' ? body._csrf : undefined;
  },
  size: 32,
});

/** A refusal as a page shows it: a message from the catalogue, and the status it answers with. */
export interface PageError extends Notice {
  status: number;
}

/** Renders a page with what the layout needs: language, token, brand, assets, notice. */
@Injectable()
export class PageRenderer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly assets: PageAssets,
  ) {}

  /**
   * A request no page route took (an unknown address, a body refused before its route) has no
   * page session: its page has no form, and its language is the browser's. So is a page
   * rendered with `storesSession: false`, which writes nothing to the session.
   */
  render(
    request: PageRequest,
    response: Response,
    view: string,
    model: { titleKey: MessageKey; error?: PageError } & Record<string, unknown>,
    { storesSession = true }: { storesSession?: boolean } = {},
  ): void {
    const inSession = hasPageSession(request) && storesSession;
    const locals: PageLocals = {
      language: this.language(request),
      product: this.config.productName,
      stylesheet: this.assets.stylesheet.path,
      script: this.assets.script.path,
      icon: this.config.brand.icon.path,
      logo: this.config.brand.logo?.url,
      csrfToken: inSession ? csrf.generateToken(request) : undefined,
      titleKey: model.titleKey,
      signedIn: request.pagePrincipal?.tokenKind === 'access',
      admin: request.pagePrincipal?.role === 'admin',
      back: LOCAL_PATH.test(request.path) ? request.path : undefined,
    };
    response.setHeader('Cache-Control', 'no-store');
    response.status(model.error?.status ?? 200).render(view, {
      ...locals,
      notice: inSession ? takeNotice(request) : undefined,
      ...model,
    });
  }

  language(request: Request) {
    return languageOf(
      request,
      hasPageSession(request) ? request.session.page?.language : undefined,
    );
  }

  /**
   * Runs a product call for a form: answers its refusal as the page words it (to show the form
   * again with it), or undefined when the call went through.
   */
  async refusalOf(request: Request, work: () => Promise<unknown>): Promise<PageError | undefined> {
    try {
      await work();
      return undefined;
    } catch (error) {
      return this.refusal(request, error);
    }
  }

  /**
   * The product's refusal as the page words it; anything that is not a refusal is rethrown
   * for the filter (logged, 500).
   */
  refusal(request: Request, error: unknown, lockedUntil?: Date | null): PageError {
    if (!(error instanceof AppException)) throw error;
    const status = ERROR_STATUS[error.code];
    if (lockedUntil) {
      const until = formatDate(this.language(request), lockedUntil, true);
      return { key: 'error.LOCKED', params: { until }, status };
    }
    const key = `error.${error.code}`;
    const retryAfter = error.details.retryAfter;
    return {
      key: isMessageKey(key) ? key : 'error.VALIDATION_FAILED',
      params: typeof retryAfter === 'number' ? { seconds: String(retryAfter) } : {},
      status,
    };
  }
}

/** Whether the page session's middleware ran for this request (it did for every page route). */
export function hasPageSession(request: Request): boolean {
  return (request as Partial<Request>).session !== undefined;
}
