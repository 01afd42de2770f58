import { Router, type Request, type Response } from 'express';
import type { SessionData } from 'express-session';
import { ErrorCode } from 'src/common/errors/error-code';
import { clientInfoOf } from 'src/common/http/client-info';
import { readCookie } from 'src/common/http/cookies';
import { regenerateSession } from 'src/sessions/web-session.store';
import type { AccessClaims } from 'src/access/tokens.service';
import {
  PanelRefusal,
  type PanelAnswer,
  type PanelGateway,
  type PanelGrant,
  type PanelMethod,
} from './panel-gateway';
import { codePage, passwordPage, refusedPage, signOutPage } from './panel-pages';
import { mayEnterPanel, panelAdminOf, type PanelAdmin } from './panel-resources';

declare module 'express-session' {
  interface SessionData {
    /** After the password: the login challenge, its token sealed by the gateway. */
    challenge?: PanelChallenge;
    /**
     * After the second factor: the claims of the product session the sign-in opened, resumed
     * on every request (AccessService.resume). Never sent to the browser.
     */
    access?: AccessClaims;
    /** Who that session stands for, refreshed on every request; AdminJS reads it as `currentAdmin`. */
    adminUser?: PanelAdmin;
    /** A message for the next page, shown once. */
    notice?: string;
    refusal?: string;
  }
}

/**
 * Where the second step stands: the asked method (with a passkey's request options), or a
 * recovery code chosen instead.
 */
export interface PanelChallenge {
  sealed: string;
  method: PanelMethod;
  methods: PanelMethod[];
  emailHint?: string;
  options?: Record<string, unknown>;
  recovery?: boolean;
}

export const DEVICE_COOKIE = 'gk_panel_device';
const DEVICE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Recovery codes' name at the challenge ("Use a recovery code"). */
const RECOVERY = 'recovery';
/** Refusals after which the same challenge can be answered again. */
const RETRIABLE: ErrorCode[] = [
  ErrorCode.INVALID_CODE,
  ErrorCode.CODE_ALREADY_USED,
  ErrorCode.VALIDATION_FAILED,
];

const SETUP_MESSAGE =
  'The admin panel needs a second factor and your account has none yet. Sign in at / (the ' +
  'sign-in page), set up an authenticator app, email codes or a passkey under Two-factor ' +
  'authentication, then sign in here again.';
const MEMBERS_MESSAGE =
  'You signed in correctly, but the admin panel is for administrators only. Ask an ' +
  'administrator of your account if you need something changed.';

/**
 * Two steps (P4, A5): the password, then the code of the user's method, each answered by the
 * product's own login services. The session id is regenerated at each step; only an
 * administrator who passed the second factor (or a trusted device), or platform support staff
 * (who always give the second factor, H1), gets `adminUser`.
 */
export function signInRoutes(gateway: PanelGateway, productName: string): Router {
  const router = Router();
  const limited = async (request: Request, response: Response, next: () => void) => {
    const decision = await gateway.allowSignInAttempt(clientInfoOf(request).ip);
    if (decision.allowed) return next();
    response.setHeader('Retry-After', String(decision.retryAfterSeconds));
    response.status(429).send(passwordPage(productName, 'Too many attempts; wait a minute.'));
  };

  router.get('/login', (request, response) => {
    const session = request.session;
    if (session.adminUser) return response.redirect('/admin');
    const notice = takeNotice(session);
    response.setHeader('Cache-Control', 'no-store');
    // Shown once: an administrator who went to set up a method comes back to the password.
    const refusal = session.refusal;
    delete session.refusal;
    if (refusal) return response.send(refusedPage(productName, refusal));
    if (session.challenge) return response.send(codePage(productName, session.challenge, notice));
    response.send(passwordPage(productName, notice));
  });

  router.post('/login', limited, async (request, response) => {
    const { email, password } = fields(request, 'email', 'password');
    const deviceToken = readCookie(request, DEVICE_COOKIE);
    const client = clientInfoOf(request);
    await regenerateSession(request);
    try {
      const step = await gateway.signInWithPassword(email, password, deviceToken, client);
      if (step.status === 'code_required') {
        const { challenge: sealed, method, methods, emailHint, options } = step;
        // None of the user's methods can be asked now (one turned off): a recovery code can.
        const recovery = method === RECOVERY;
        request.session.challenge = { sealed, method, methods, emailHint, options, recovery };
      } else if (step.status === 'setup_required') {
        request.session.refusal = SETUP_MESSAGE;
      } else {
        await admit(gateway, request, step.grant);
      }
    } catch (error) {
      request.session.notice = refusalMessage(error);
    }
    response.redirect(request.session.adminUser ? '/admin' : '/admin/login');
  });

  router.post('/login/code', limited, async (request, response) => {
    const challenge = request.session.challenge;
    if (!challenge) return response.redirect('/admin/login');
    const {
      code,
      response: passkey,
      rememberDevice,
    } = fields(request, 'code', 'response', 'rememberDevice');
    try {
      const answer: PanelAnswer = passkey
        ? { response: passkey }
        : { code, recovery: challenge.recovery === true };
      const verified = await gateway.verifyCode(
        challenge.sealed,
        answer,
        rememberDevice === 'true',
        clientInfoOf(request),
      );
      await regenerateSession(request);
      if (verified.deviceToken) {
        response.cookie(DEVICE_COOKIE, verified.deviceToken, {
          httpOnly: true,
          secure: request.secure,
          sameSite: 'strict',
          path: '/admin',
          maxAge: DEVICE_TTL_MS,
        });
      }
      await admit(gateway, request, verified.grant);
    } catch (error) {
      // A challenge that is spent, expired or locked cannot be retried: back to the password.
      if (!(error instanceof PanelRefusal) || !RETRIABLE.includes(error.code)) {
        delete request.session.challenge;
      }
      request.session.notice = refusalMessage(error);
    }
    response.redirect(request.session.adminUser ? '/admin' : '/admin/login');
  });

  router.post('/login/method', limited, async (request, response) => {
    const challenge = request.session.challenge;
    const { method } = fields(request, 'method');
    if (challenge && method === RECOVERY) {
      request.session.challenge = { ...challenge, recovery: true };
    } else if (challenge && challenge.methods.includes(method)) {
      try {
        const switched = await gateway.switchMethod(challenge.sealed, method);
        request.session.challenge = { ...challenge, ...switched, recovery: false };
      } catch (error) {
        request.session.notice = refusalMessage(error);
      }
    }
    response.redirect('/admin/login');
  });

  router.post('/login/resend', limited, async (request, response) => {
    const challenge = request.session.challenge;
    if (challenge) {
      try {
        await gateway.resendCode(challenge.sealed);
        request.session.notice = 'We sent you another code.';
      } catch (error) {
        request.session.notice = refusalMessage(error);
      }
    }
    response.redirect('/admin/login');
  });

  /** Ends the product session the panel held (like the API's logout), then the panel's own. */
  const signOut = async (request: Request, response: Response) => {
    const claims = request.session.access;
    if (claims) await gateway.endSession(claims);
    request.session.destroy(() => {
      response.clearCookie('gk_panel', { path: '/admin' });
      response.redirect('/admin/login');
    });
  };
  router.post('/login/restart', signOut);
  router.post('/logout', signOut);
  // AdminJS's "Log out" is a link: its GET only offers the sign-out, which is a POST (A6).
  router.get('/logout', (request, response) => {
    if (!request.session.adminUser) return response.redirect('/admin/login');
    response.send(signOutPage(productName));
  });
  return router;
}

/**
 * The session the sign-in opened is resumed as the product sees it. Members and sessions without
 * a second factor end on a refusal, never inside the panel, and the session they opened is ended
 * at once: nothing else holds it.
 */
async function admit(gateway: PanelGateway, request: Request, grant: PanelGrant): Promise<void> {
  delete request.session.challenge;
  const principal = await gateway.resume(grant.claims);
  if (!principal) {
    request.session.notice = 'Your session has ended; sign in again.';
  } else if (!principal.secondFactor) {
    await gateway.endSession(grant.claims);
    request.session.refusal = SETUP_MESSAGE;
  } else if (!mayEnterPanel(principal)) {
    await gateway.endSession(grant.claims);
    request.session.refusal = MEMBERS_MESSAGE;
  } else {
    request.session.access = grant.claims;
    request.session.adminUser = panelAdminOf(principal, grant);
  }
}

function takeNotice(session: Partial<SessionData>): string | undefined {
  const notice = session.notice;
  delete session.notice;
  return notice;
}

/** The form's text fields, as read for all of /admin (panel-protection's readBodies). */
function fields<K extends string>(request: Request, ...names: K[]): Record<K, string> {
  const body = (request as Request & { fields?: Record<string, unknown> }).fields ?? {};
  return Object.fromEntries(
    names.map((name) => [name, typeof body[name] === 'string' ? body[name] : '']),
  ) as Record<K, string>;
}

function refusalMessage(error: unknown): string {
  if (error instanceof PanelRefusal) return error.message;
  throw error;
}
