import type { ActionRequest, CurrentAdmin } from 'adminjs' with { 'resolution-mode': 'import' };
import type { ClientInfo, PanelPrincipal } from './panel-gateway';

/*
 * What every part of the panel shares about the signed-in administrator and AdminJS's answers.
 * Each resource has its own file under resources/; the dashboard and the policy page theirs.
 */

/**
 * What AdminJS keeps as `currentAdmin` (and shows in its pages): who the resumed session stands
 * for and the fields its UI shows; never the session's id or claims.
 */
export type PanelAdmin = CurrentAdmin & {
  id: string;
  title: string;
  email: string;
  name: string;
  accountId: string;
  role: PanelPrincipal['role'];
  /** Platform support staff (H1) see the Support desk; null for everyone else. */
  platformRole: PanelPrincipal['platformRole'];
  secondFactor: boolean;
};

export function panelAdminOf(
  principal: PanelPrincipal,
  shown: { email: string; name: string } | undefined,
): PanelAdmin {
  return {
    id: principal.userId,
    title: shown?.name ?? '',
    email: shown?.email ?? '',
    name: shown?.name ?? '',
    accountId: principal.accountId,
    role: principal.role,
    platformRole: principal.platformRole,
    secondFactor: principal.secondFactor,
  };
}

/**
 * Who may be inside the panel: an account's administrators, and platform support staff (who
 * see only the Support desk unless they administer their own account too); always with a
 * second factor passed in this session.
 */
export function mayEnterPanel(principal: PanelPrincipal): boolean {
  return principal.secondFactor && (principal.role === 'admin' || principal.platformRole !== null);
}

/** Set by the panel router on every request AdminJS handles: the resumed session and client. */
export type PanelActionRequest = ActionRequest & {
  panelClient?: ClientInfo;
  panelPrincipal?: PanelPrincipal;
};

const SECRET_FIELD = /hash|secret|token|password|code/i;

/** Defence in depth: whatever a service sends, no such field leaves the panel's API. */
export function stripSecrets<T>(response: T): T {
  const records = response as {
    records?: Array<{ params?: object }>;
    record?: { params?: object };
  };
  for (const record of [...(records.records ?? []), ...(records.record ? [records.record] : [])]) {
    const params = record.params as Record<string, unknown> | undefined;
    for (const key of Object.keys(params ?? {})) {
      if (SECRET_FIELD.test(key)) delete params![key];
    }
  }
  return response;
}
