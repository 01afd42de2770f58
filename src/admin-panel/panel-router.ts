import { Logger } from '@nestjs/common';
import {
  Router,
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import helmet from 'helmet';
import type AdminJS from 'adminjs' with { 'resolution-mode': 'import' };
import { errorBody, setRetryAfter } from 'src/common/errors/all-exceptions.filter';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { LIMITS } from 'src/config/limits';
import { clientInfoOf } from 'src/common/http/client-info';
import {
  regenerateSession,
  webSession,
  type WebSessionStore,
} from 'src/sessions/web-session.store';
import { PanelRefusal, type PanelGateway } from './panel-gateway';
import {
  exactMountOnly,
  isApiRequest,
  noPrototypeKeys,
  readBodies,
  sameOriginOnly,
  scriptNonceOf,
  scriptNonces,
} from './panel-protection';
import { mayEnterPanel, panelAdminOf, type PanelActionRequest } from './panel-resources';
import { signInRoutes } from './panel-sign-in';

export const SESSION_COOKIE = 'gk_panel';

/**
 * Everything /admin needs before AdminJS's own routes. The admin router sits above every Nest
 * middleware, guard and filter, so it brings its own (after the app's request log, which it follows): helmet, the cross-site
 * refusal, the session, the body reader, the sign-in steps and the gate. AdminJS's routes are
 * added after, behind a check of the resource and action they name.
 */
export function panelRouter(options: {
  admin: AdminJS;
  gateway: PanelGateway;
  store: WebSessionStore;
  productName: string;
  publicUrl: string;
  /** BRAND_LOGO_URL's origin, when the logo is not served from here. */
  logoOrigin?: string;
  secret: Buffer;
}): Router {
  const router = Router();
  router.use(scriptNonces);
  router.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // AdminJS boots from two inline scripts, which carry this response's nonce, and styles
          // its components inline; nothing else is allowed from anywhere but this origin
          // (fonts.googleapis.com simply fails).
          'script-src': ["'self'", (_request, response) => scriptNonceOf(response as Response)],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', ...(options.logoOrigin ? [options.logoOrigin] : [])],
          'connect-src': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
          // Plain http on a LAN address must keep working; TLS is the proxy's business.
          'upgrade-insecure-requests': null,
        },
      },
      // With helmet's `no-referrer`, browsers send `Origin: null` on the panel's own POSTs,
      // which sameOriginOnly needs to see; other sites still get no referrer.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  router.use(sameOriginOnly(options.publicUrl));
  router.use(exactMountOnly);
  router.use(
    webSession({
      store: options.store,
      cookie: SESSION_COOKIE,
      key: options.secret,
      purpose: 'gatekeeper admin panel session',
      sameSite: 'strict',
      path: '/admin',
      maxAgeMs: LIMITS.panelSession.lifetimeMs,
    }),
  );
  router.use(readBodies());
  router.use(noPrototypeKeys);
  router.use(signInRoutes(options.gateway, options.productName));
  router.use(requireAdmin(options.gateway));
  knownActionsOnly(router, options.admin);
  return router;
}

/**
 * I5: AdminJS answers an unknown resource, action or page with a 500 (or an empty page), and runs
 * an action at a route of another kind (a record action with no record: a 500), so the names its
 * routes take are checked first, decoded as the router decodes them: a 404 otherwise.
 */
function knownActionsOnly(router: Router, admin: AdminJS): void {
  const resourceOf = (id: string) => {
    try {
      return admin.findResource(id);
    } catch {
      return null;
    }
  };
  const unknown = (what: string) =>
    new AppException(ErrorCode.NOT_FOUND, `No such ${what} in the admin panel`);
  router.param('resourceId', (_request, _response, next, id: string) =>
    next(resourceOf(id) ? undefined : unknown('resource')),
  );
  router.param('action', (request, _response, next, name: string) => {
    const actions = resourceOf(String(request.params.resourceId))?.decorate().actions ?? {};
    const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
    const route = String((request.route as { path?: string } | undefined)?.path);
    const bulk = route.includes('/bulk/');
    const fits = route.includes('/records/')
      ? action?.isRecordType()
      : bulk
        ? action?.isBulkType()
        : action?.isResourceType();
    if (!fits) return next(unknown('action'));
    // AdminJS's bulk page throws a bare Error (a 500) when no record is named.
    if (bulk && typeof request.query.recordIds !== 'string') {
      return next(new AppException(ErrorCode.VALIDATION_FAILED, 'Name the records: recordIds'));
    }
    next();
  });
  router.param('pageName', (_request, _response, next, name: string) =>
    next(Object.hasOwn(admin.options.pages ?? {}, name) ? undefined : unknown('page')),
  );
}

/**
 * Only an administrator whose product session is still live goes further: it is resumed on
 * every request exactly as the API guard resumes an access token (S4, S6), so logout
 * everywhere, a 2FA reset, a password change, a disabled user or a removed trusted device ends
 * the panel session too; a role that no longer lets them in (mayEnterPanel) ends it as well.
 */
function requireAdmin(gateway: PanelGateway): RequestHandler {
  return async (request, response, next) => {
    const claims = request.session.access;
    const principal = claims ? await gateway.resume(claims) : null;
    if (claims && principal && mayEnterPanel(principal)) {
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
    if (isApiRequest(request)) {
      next(new AppException(ErrorCode.UNAUTHENTICATED, 'Sign in to the admin panel first'));
    } else {
      response.redirect('/admin/login');
    }
  };
}

/**
 * Errors answer as the API's do, `{ statusCode, code, message }` (as text on pages): bad input
 * with its 4xx (I5), anything unexpected with a 500 whose stack is logged, never sent.
 */
export function panelErrors(): ErrorRequestHandler {
  const logger = new Logger('AdminPanel');
  return (error: unknown, request, response, next) => {
    if (response.headersSent) return next(error);
    const body = errorBody(inProductTerms(error), logger);
    setRetryAfter(response, body);
    if (isApiRequest(request)) response.status(body.statusCode).json(body);
    else response.status(body.statusCode).type('text/plain').send(body.message);
  };
}

/** The refusals of the gateway, AdminJS and Express, as the product's exceptions. */
function inProductTerms(error: unknown): unknown {
  if (error instanceof PanelRefusal) {
    return new AppException(error.code, error.message, error.details);
  }
  // Express's router refuses a path segment that does not decode with a 400 of its own.
  if ((error as { status?: unknown } | null)?.status === 400) {
    return new AppException(ErrorCode.VALIDATION_FAILED, 'The path is not validly encoded');
  }
  const name = error instanceof Error ? error.constructor.name : '';
  if (name === 'NotFoundError') return new AppException(ErrorCode.NOT_FOUND, 'Not found');
  if (name === 'ForbiddenError') return new AppException(ErrorCode.FORBIDDEN, 'Forbidden');
  return error;
}
