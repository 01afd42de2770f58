import type { Request } from 'express';
import type { Principal } from 'src/access/principal';
import type { AccessClaims } from 'src/access/tokens.service';
import type { Language } from 'src/common/languages';
import type { MessageKey } from './page-i18n';

/**
 * Where a sign-in stands between the password and a full session; held on the server only, its
 * token sealed (AES-256-GCM) as the admin panel keeps its challenge: the row never holds it in clear.
 */
export type SignInStep =
  | {
      kind: 'challenge';
      sealedToken: string;
      method: string;
      methods: string[];
      hint?: string;
      /** What the asked method's client needs: a passkey's request options, bound to this sign-in. */
      options?: Record<string, unknown>;
      /** "A recovery code" was chosen under "Use another authentication method". */
      recovery?: boolean;
      /** "A temporary access code from support" was chosen there instead (H3). */
      temporary?: boolean;
    }
  | { kind: 'setup'; sealedToken: string };

/** A message for the next page, shown once. */
export interface Notice {
  key: MessageKey;
  params?: Record<string, string>;
}

/** Everything the pages keep in their session row (under one key, beside the panel's). */
export interface PageState {
  language?: Language;
  step?: SignInStep;
  /**
   * After sign-in: the claims of the product session the sign-in opened, resumed on every
   * request (AccessService.resume), so whatever ends that session ends this one (U1).
   */
  access?: AccessClaims;
  notice?: Notice;
  /** What setup showed once and must show again until confirmed (a TOTP key, recovery codes), sealed. */
  sealed?: string;
}

declare module 'express-session' {
  interface SessionData {
    page?: PageState;
  }
}

/** A page request, after the pages' middleware resumed who it is. */
export interface PageRequest extends Request {
  /** The signed-in user (full session), or a user who must still set up a method (setup token). */
  pagePrincipal?: Principal;
}

export function pageState(request: Request): PageState {
  request.session.page ??= {};
  return request.session.page;
}

export function takeNotice(request: Request): Notice | undefined {
  const state = pageState(request);
  const notice = state.notice;
  delete state.notice;
  return notice;
}
