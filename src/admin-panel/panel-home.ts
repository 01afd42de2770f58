import type { AdminJSOptions, PageHandler } from 'adminjs' with { 'resolution-mode': 'import' };
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { PanelComponents } from './panel-bundle';
import type {
  PanelGateway,
  PanelPolicy,
  PanelPrincipal,
  PanelSupportAction,
  PanelStepUpAnswer,
  PanelSupportInput,
} from './panel-gateway';
import { methodName } from './panel-pages';
import type { PanelActionRequest } from './panel-resources';

/**
 * The panel's home (AdminJS's dashboard), its policy page and, for platform staff, the Support
 * desk page. Their data comes from handlers
 * that ask the gateway for the signed-in administrator's account only; the components only
 * draw it. The policy changes by the page's POST alone (A6).
 */

/** The help page's words for the switch (docs/help: "Make two-factor authentication mandatory"). */
export const POLICY_TEXT = {
  label: 'Make two-factor authentication mandatory for all users',
  on:
    'Next time they log in, they will be asked to set up at least one authentication method. ' +
    'Make sure every person using the account has their own username and password before activating this option.',
  off:
    'Deactivating the function will not deactivate the two-factor authentication methods already ' +
    'set up by users. They will still continue to be asked to enter their verification code when they log in.',
};

export function panelHome(
  gateway: PanelGateway,
  components: PanelComponents,
): Pick<AdminJSOptions, 'dashboard' | 'pages'> {
  const dashboard: PageHandler = async (request: PanelActionRequest) => {
    // Platform staff who administer no account have only the Support desk.
    if (request.panelPrincipal?.role !== 'admin') return { supportDeskOnly: true };
    const principal = principalOf(request);
    const data = await gateway.dashboard(principal.accountId);
    return {
      ...data,
      byMethod: data.byMethod.map((entry) => ({ ...entry, name: methodName(entry.method) })),
    };
  };

  const policy: PageHandler = async (request: PanelActionRequest) => {
    const principal = principalOf(request);
    if (request.method !== 'post')
      return policyAnswer(await gateway.getPolicy(principal.accountId));
    const required = switchValue(request.payload?.twoFactorRequired);
    const changed = await gateway.setPolicy(
      principal,
      required,
      request.panelClient ?? { ip: null, userAgent: null },
    );
    return {
      ...policyAnswer(changed),
      notice: {
        type: 'success',
        message: required
          ? 'Two-factor authentication is now mandatory for this account.'
          : 'Two-factor authentication is now optional; nobody’s methods were removed.',
      },
    };
  };

  /**
   * H1–H4: GET reads the platform's trail and the staff member's methods; only a POST acts (A6):
   * a lookup by exact email or an action on the user found, each with reason, ticket and a second
   * factor given again (any of the staff member's methods; `step_up` starts it where it sends or
   * signs something first). A temporary code is in that POST's answer only, never stored or shown
   * again.
   */
  const supportDesk: PageHandler = async (request: PanelActionRequest) => {
    const staff = staffOf(request);
    const client = request.panelClient ?? { ip: null, userAgent: null };
    if (request.method !== 'post') {
      const methods = await gateway.supportStepUpMethods(staff);
      return {
        trail: await gateway.supportTrail(staff),
        methods: methods.map((method) => ({ method, name: methodName(method) })),
      };
    }
    const payload = (request.payload ?? {}) as Record<string, unknown>;
    const answer: PanelStepUpAnswer = {
      method: payload.method,
      code: payload.code,
      stepUpId: payload.stepUpId,
      response: payload.response,
    };
    const input: PanelSupportInput = { reason: payload.reason, ticket: payload.ticket, ...answer };
    const operation = payload.operation;
    if (operation === STEP_UP) {
      return { stepUp: await gateway.supportStepUpStart(staff, payload.method, client) };
    }
    if (operation === 'lookup') {
      const found = await gateway.supportLookup(staff, { ...input, email: payload.email }, client);
      return { found, trail: await gateway.supportTrail(staff) };
    }
    if (operation === CARRY_OUT) {
      const result = await gateway.supportCarryOut(staff, payload.requestId, answer, client);
      return { result, trail: await gateway.supportTrail(staff), notice: DONE };
    }
    if (!isSupportAction(operation)) {
      throw new AppException(
        ErrorCode.VALIDATION_FAILED,
        `operation must be one of ${STEP_UP}, lookup, ${CARRY_OUT}, ${SUPPORT_ACTIONS.join(', ')}`,
      );
    }
    const result = await gateway.supportAct(staff, payload.userId, operation, input, client);
    if (result.status !== 'pending') {
      return { result, trail: await gateway.supportTrail(staff), notice: DONE };
    }
    return {
      result,
      trail: await gateway.supportTrail(staff),
      notice: {
        type: 'success',
        message:
          'The account asks for four eyes: once one of its administrators approves, carry it out from the trail below.',
      },
    };
  };

  return {
    dashboard: { component: components.dashboard, handler: dashboard },
    pages: {
      'two-factor-policy': {
        component: components.policyPage,
        handler: policy,
        icon: 'Shield',
      },
      [SUPPORT_DESK_PAGE]: {
        component: components.supportDesk,
        handler: supportDesk,
        icon: 'LifeBuoy',
      },
    },
  };
}

export const SUPPORT_DESK_PAGE = 'support-desk';
/** The desk's operation that carries out an approved request (four eyes, H4). */
const CARRY_OUT = 'carry_out';
/** The desk's operation that starts a step-up for the form about to be sent (H2). */
const STEP_UP = 'step_up';
const DONE = {
  type: 'success',
  message: 'Done; the user and the account’s administrators were emailed.',
} as const;
const SUPPORT_ACTIONS: PanelSupportAction[] = ['temporary_code', 'reset', 'end_sessions'];

function isSupportAction(value: unknown): value is PanelSupportAction {
  return SUPPORT_ACTIONS.includes(value as PanelSupportAction);
}

/** The router let in an administrator or platform staff; the desk is for the latter only (H1). */
function staffOf(request: PanelActionRequest): PanelPrincipal {
  const principal = request.panelPrincipal;
  if (!principal?.platformRole || !principal.secondFactor) {
    throw new AppException(ErrorCode.FORBIDDEN, 'Only platform support staff may use the desk');
  }
  return principal;
}

/** The router let only a signed-in administrator with a second factor through; checked again. */
function principalOf(request: PanelActionRequest): PanelPrincipal {
  const principal = request.panelPrincipal;
  if (!principal || principal.role !== 'admin' || !principal.secondFactor) {
    throw new AppException(ErrorCode.FORBIDDEN, 'Only administrators who passed 2FA may do this');
  }
  return principal;
}

function policyAnswer(policy: PanelPolicy) {
  return { policy, text: POLICY_TEXT };
}

/** The form's switch: a JSON boolean, or its text from a form (I5: anything else is a 400). */
function switchValue(value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new AppException(ErrorCode.VALIDATION_FAILED, 'twoFactorRequired must be true or false');
}
