import { Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { clientInfoOf } from 'src/common/http/client-info';
import { RequestLoggerMiddleware } from 'src/common/http/request-logger.middleware';
import { regenerateSession, type WebSessionStore } from 'src/sessions/web-session.store';
import type { PanelGateway } from './panel-gateway';
import { panelAdminOf, type PanelActionRequest } from './panel-resources';
import { signInRoutes } from './panel-sign-in';

export const SESSION_COOKIE = 'gk_panel';
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/**
 * Everything /admin needs before AdminJS's own routes. The admin router sits above every Nest
 * middleware, guard and filter, so it brings its own: helmet, the request log, the session,
 * the sign-in steps, the cross-site refusal and the gate. AdminJS's routes are added after.
 */
export function panelRouter(options: {
  gateway: PanelGateway;
  store: WebSessionStore;
  productName: string;
  secret: Buffer;
}): Router {
  const router = Router();
  const requestLog = new RequestLoggerMiddleware();
  router.use((request, response, next) => requestLog.use(request, response, next));
  router.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // AdminJS boots from inline scripts and styles its components inline; nothing else
          // is allowed from anywhere but this origin (fonts.googleapis.com simply fails).
          'script-src': ["'self'", "'unsafe-inline'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
          // Plain http on a LAN address must keep working; TLS is the proxy's business.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  router.use(refuseCrossSite);
  router.use(
    session({
      name: SESSION_COOKIE,
      store: options.store,
      secret: createHmac('sha256', options.secret)
        .update('gatekeeper admin panel session')
        .digest('hex'),
      resave: false,
      saveUninitialized: false,
      unset: 'destroy',
      // Secure when the request came over TLS, as TRUST_PROXY lets Express tell behind a proxy.
      cookie: {
        httpOnly: true,
        sameSite: 'strict',
        path: '/admin',
        secure: 'auto',
        maxAge: SESSION_TTL_MS,
      },
    }),
  );
  router.use(signInRoutes(options.gateway, options.productName));
  router.use(requireAdmin(options.gateway));
  router.get('/', (_request, response) => response.redirect('/admin/resources/users'));
  return router;
}

/**
 * AdminJS calls record actions with GET, so a link on another site could trigger one: besides
 * the SameSite=Strict cookie, browsers say where a request comes from and anything but this
 * origin is refused for the API and every form post.
 */
const refuseCrossSite: RequestHandler = (request, response, next) => {
  const site = request.headers['sec-fetch-site'];
  const sensitive = request.method !== 'GET' || request.path.startsWith('/api/');
  if (sensitive && site !== undefined && site !== 'same-origin') {
    response.status(403).json({ message: 'Cross-site requests to the admin panel are refused' });
    return;
  }
  next();
};

/**
 * Only an administrator whose product session is still live goes further: it is resumed on
 * every request exactly as the API guard resumes an access token (S4, S6), so logout
 * everywhere, a 2FA reset, a password change, a disabled user or a removed trusted device ends
 * the panel session too; a role that is no longer admin ends it as well.
 */
function requireAdmin(gateway: PanelGateway): RequestHandler {
  return async (request, response, next) => {
    const claims = request.session.access;
    const principal = claims ? await gateway.resume(claims) : null;
    if (claims && principal && principal.role === 'admin' && principal.secondFactor) {
      // Unchanged facts leave the stored session untouched (express-session compares them).
      request.session.adminUser = panelAdminOf(principal, request.session.adminUser);
      // Own properties, so they survive the copy of the request AdminJS hands to actions.
      const actionRequest = request as Request & PanelActionRequest;
      actionRequest.panelClient = clientInfoOf(request);
      actionRequest.panelPrincipal = principal;
      return next();
    }
    if (claims) {
      if (principal) await gateway.endSession(claims);
      await regenerateSession(request);
      request.session.notice = 'Your session has ended; sign in again.';
    }
    if (request.path.startsWith('/api/')) {
      response.status(401).json({ message: 'Sign in to the admin panel first' });
    } else {
      response.redirect('/admin/login');
    }
  };
}

/** Errors are logged with their stack and answered without it. */
export function panelErrors(): ErrorRequestHandler {
  const logger = new Logger('AdminPanel');
  const statuses: Record<string, number> = { NotFoundError: 404, ForbiddenError: 403 };
  return (error: unknown, request, response, next) => {
    if (response.headersSent) return next(error);
    const name = error instanceof Error ? error.constructor.name : '';
    const status = statuses[name] ?? 500;
    if (status === 500)
      logger.error(error instanceof Error ? (error.stack ?? error.message) : error);
    const message =
      status === 500
        ? 'Internal server error'
        : name === 'NotFoundError'
          ? 'Not found'
          : 'Forbidden';
    if (request.path.startsWith('/api/')) response.status(status).json({ message });
    else response.status(status).type('text/plain').send(message);
  };
}
