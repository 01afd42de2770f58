import type { Filter, ResourceWithOptions } from 'adminjs' with {
  'resolution-mode': 'import',
};
import { AUDIT_TYPES, type PanelAuditRow } from '../panel-gateway';
import {
  after,
  filterValue,
  isAdmin,
  readOnly,
  refused,
  settings,
  shownTime,
  type ResourceKit,
} from './gateway-resource';

/**
 * Settings > Audit events, newest first: the people named by name and email, times with their
 * time zone, filtered by type or by the user's email; a row opens the event's detail.
 */
export function auditEventsResource(kit: ResourceKit): ResourceWithOptions {
  const { gateway, GatewayResource } = kit;
  const resource = new GatewayResource(
    'audit-events',
    [
      { path: 'id', type: 'string', isId: true },
      { path: 'when', type: 'string' },
      { path: 'type', type: 'string' },
      { path: 'user', type: 'string' },
      { path: 'userEmail', type: 'string' },
      { path: 'actor', type: 'string' },
      { path: 'factor', type: 'string' },
      { path: 'detail', type: 'string' },
      { path: 'reason', type: 'string' },
      { path: 'ticket', type: 'string' },
      { path: 'ip', type: 'string' },
      { path: 'userAgent', type: 'string' },
    ],
    {
      query: auditQuery,
      list: (accountId, query) => gateway.listAuditEvents(accountId, query),
      count: (accountId, query) => gateway.countAuditEvents(accountId, query),
      get: (accountId, id) => gateway.getAuditEvent(accountId, id),
      params: eventParams,
    },
  );

  return {
    resource,
    options: {
      id: 'audit-events',
      navigation: settings,
      listProperties: ['when', 'type', 'user', 'actor', 'factor', 'ip'],
      showProperties: [
        'when',
        'type',
        'user',
        'actor',
        'factor',
        'detail',
        'reason',
        'ticket',
        'ip',
        'userAgent',
      ],
      filterProperties: ['type', 'userEmail'],
      properties: {
        type: { availableValues: AUDIT_TYPES.map((type) => ({ value: type, label: type })) },
      },
      actions: {
        ...readOnly,
        search: refused,
        list: { isAccessible: isAdmin, ...after },
        show: { isAccessible: isAdmin, ...after },
      },
    },
  };
}

/** Someone no longer in the account (or nobody: an unknown email at sign-in) shows as a dash. */
function eventParams(event: PanelAuditRow): Record<string, unknown> {
  const { createdAt, user, actor, ...rest } = event;
  return { ...rest, when: shownTime(createdAt), user: user ?? '—', actor: actor ?? '—' };
}

function auditQuery(filter: Filter) {
  return { type: filterValue(filter, 'type'), userEmail: filterValue(filter, 'userEmail') };
}
