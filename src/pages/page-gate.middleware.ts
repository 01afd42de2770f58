import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { regenerateSession } from 'src/sessions/web-session.store';
import { PageRenderer, csrf } from './page-renderer';
import { pageState, type PageRequest } from './page-session';
import { PageSignInService } from './sign-in.service';

/**
 * Runs on every page request after the session is loaded. U2: a POST without this session's
 * CSRF token is refused (403) before anything reads it, and the token leaves the body so the
 * product's DTOs see only their fields. U1: the product session the pages hold is resumed as
 * the API guard resumes an access token, so whatever ends it (logout everywhere, a reset, a
 * password change elsewhere, a removed trusted device, a disabled user) ends this one too.
 */
@Injectable()
export class PageGateMiddleware implements NestMiddleware {
  constructor(
    private readonly signIn: PageSignInService,
    private readonly renderer: PageRenderer,
  ) {}

  async use(request: PageRequest, response: Response, next: NextFunction): Promise<void> {
    if (request.method === 'POST') {
      if (!csrf.isRequestValid(request)) {
        // A session holding no token is one the cookie no longer names (rotated, as by the
        // first post of a double click, or expired): storing a new one would replace the
        // browser's cookie and sign out what that first post signed in.
        this.renderer.render(
          request,
          response,
          'error',
          { titleKey: 'error.title', error: { key: 'error.CSRF', status: 403 } },
          { storesSession: request.session.csrfToken !== undefined },
        );
        return;
      }
      delete (request.body as Record<string, unknown>)._csrf;
    }
    const state = pageState(request);
    if (state.access) {
      const principal = await this.signIn.resume(state);
      if (principal) {
        request.pagePrincipal = principal;
      } else {
        const language = state.language;
        await regenerateSession(request);
        request.session.page = { language, notice: { key: 'notice.sessionEnded' } };
      }
    } else if (state.step?.kind === 'setup') {
      const principal = await this.signIn.setupPrincipal(state.step.sealedToken);
      if (principal) request.pagePrincipal = principal;
      else {
        delete state.step;
        state.notice = { key: 'error.CHALLENGE_EXPIRED' };
      }
    }
    next();
  }
}
