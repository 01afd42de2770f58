import type { ActionContext, Filter, ResourceWithOptions } from 'adminjs' with {
  'resolution-mode': 'import',
};
import { AUDIT_TYPES, type PanelAuditRow } from '../panel-gateway';
import {
  after,
  filterValue,
  isAdmin,
  pageOf,
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

  class AuditEventsResource extends GatewayResource {
    constructor() {
      super('audit-events', [
        { path: 'id', type: 'string', isId: true },
        { path: 'when', type: 'string' },
        { path: 'type', type: 'string' },
        { path: 'user', type: 'string' },
        { path: 'userEmail', type: 'string' },
        { path: 'actor', type: 'string' },
        { path: 'factor', type: 'string' },
        { path: 'detail', type: 'string' },
        { path: 'ip', type: 'string' },
        { path: 'userAgent', type: 'string' },
      ]);
    }

    override async find(
      filter: Filter,
      options: { limit?: number; offset?: number },
      context?: ActionContext,
    ) {
      const events = await gateway.listAuditEvents(this.admin(context).accountId, {
        ...auditQuery(filter),
        ...pageOf(options),
      });
      return events.map((event) => this.build(eventParams(event)));
    }

    /** The total alone: AdminJS asks for it beside `find`. */
    override count(filter: Filter, context?: ActionContext) {
      return gateway.countAuditEvents(this.admin(context).accountId, auditQuery(filter));
    }

    override async findOne(id: string, context?: ActionContext) {
      const event = await gateway.getAuditEvent(this.admin(context).accountId, id);
      return event ? this.build(eventParams(event)) : null;
    }
  }

  return {
    resource: new AuditEventsResource(),
    options: {
      id: 'audit-events',
      navigation: settings,
      listProperties: ['when', 'type', 'user', 'actor', 'factor', 'ip'],
      showProperties: ['when', 'type', 'user', 'actor', 'factor', 'detail', 'ip', 'userAgent'],
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
