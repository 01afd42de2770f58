import type { ActionContext, ResourceWithOptions } from 'adminjs' with {
  'resolution-mode': 'import',
};
import type { PanelSupportRequestRow } from '../panel-gateway';
import {
  after,
  isAdmin,
  readOnly,
  refused,
  settings,
  shownTime,
  type ResourceKit,
} from './gateway-resource';

/**
 * Settings > Support requests (H4, four eyes): what platform support asked or did about the
 * account's users, newest first; a pending one is approved or refused here, as through
 * /api/admin/support-requests, once (the first decision wins, a later one is refused).
 */
export function supportRequestsResource(kit: ResourceKit): ResourceWithOptions {
  const { gateway, GatewayResource, recordAction } = kit;
  const resource = new GatewayResource(
    'support-requests',
    [
      { path: 'id', type: 'string', isId: true },
      { path: 'when', type: 'string' },
      { path: 'name', type: 'string' },
      { path: 'email', type: 'string' },
      { path: 'action', type: 'string' },
      { path: 'status', type: 'string' },
      { path: 'support', type: 'string' },
      { path: 'reason', type: 'string' },
      { path: 'ticket', type: 'string' },
      { path: 'expires', type: 'string' },
      { path: 'decidedBy', type: 'string' },
      { path: 'decided', type: 'string' },
      { path: 'done', type: 'string' },
    ],
    {
      query: () => ({}),
      list: (accountId, query) => gateway.listSupportRequests(accountId, query),
      count: (accountId) => gateway.countSupportRequests(accountId),
      get: (accountId, id) => gateway.getSupportRequest(accountId, id),
      params: requestParams,
    },
  );
  const pending = ({ record }: ActionContext) => record?.params.status === 'pending';

  return {
    resource,
    options: {
      id: 'support-requests',
      navigation: settings,
      listProperties: ['when', 'name', 'email', 'action', 'status', 'ticket', 'expires'],
      showProperties: [
        'when',
        'name',
        'email',
        'action',
        'status',
        'support',
        'reason',
        'ticket',
        'expires',
        'decidedBy',
        'decided',
        'done',
      ],
      filterProperties: [],
      actions: {
        ...readOnly,
        search: refused,
        list: { isAccessible: isAdmin, ...after },
        show: { isAccessible: isAdmin, ...after },
        approve: recordAction({
          confirmation: 'approveConfirm',
          run: (admin, id, client) => gateway.decideSupportRequest(admin, id, 'approved', client),
          success: 'Approved: platform support may carry it out before it expires.',
          isVisible: pending,
          variant: 'primary',
        }),
        refuse: recordAction({
          confirmation: 'refuseConfirm',
          run: (admin, id, client) => gateway.decideSupportRequest(admin, id, 'refused', client),
          success: 'Refused: platform support cannot carry it out.',
          isVisible: pending,
        }),
      },
    },
  };
}

/** How the panel names support's actions, in the confirmations as in the list. */
const SUPPORT_ACTION_NAMES: Record<string, string> = {
  lookup: 'look up',
  temporary_code: 'temporary access code',
  reset: 'reset 2FA',
  end_sessions: 'end all sessions',
};

/** Times with their time zone; `what` names the action for the confirmations. */
function requestParams(row: PanelSupportRequestRow): Record<string, unknown> {
  const { createdAt, expiresAt, decidedAt, doneAt, action, ...rest } = row;
  return {
    ...rest,
    action: SUPPORT_ACTION_NAMES[action] ?? action,
    when: shownTime(createdAt),
    expires: shownTime(expiresAt),
    decided: shownTime(decidedAt),
    done: shownTime(doneAt),
    decidedBy: row.decidedBy ?? '—',
  };
}
