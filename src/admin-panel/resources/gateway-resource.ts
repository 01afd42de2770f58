import type { ActionContext, BaseProperty, BaseRecord, Filter } from 'adminjs' with {
  'resolution-mode': 'import',
};
import type { AdminJSModule, PanelComponents } from '../panel-bundle';
import type { ClientInfo, PanelGateway, PanelPrincipal } from '../panel-gateway';
import { stripSecrets, type PanelActionRequest, type PanelAdmin } from '../panel-resources';

/** What each resource file builds its resource from. */
export interface ResourceKit {
  adminjs: AdminJSModule;
  gateway: PanelGateway;
  components: PanelComponents;
  /** The base of every resource: read-only, scoped to the signed-in administrator's account. */
  GatewayResource: ReturnType<typeof gatewayResourceClass>;
  /** A record action that changes something, confirmed on its page and run by its POST (A6). */
  recordAction: ReturnType<typeof recordActionFactory>;
}

/**
 * Where a resource's records come from: the gateway's list, its count-only total and one record,
 * each for the signed-in administrator's account, and how a row shows.
 */
export interface RecordSource<Row, Query> {
  query(filter: Filter): Query;
  list(accountId: string, query: Query & { page: number; limit: number }): Promise<Row[]>;
  count(accountId: string, query: Query): Promise<number>;
  get(accountId: string, id: string): Promise<Row | null>;
  params(row: Row): Record<string, unknown>;
}

export function resourceKit(
  adminjs: AdminJSModule,
  gateway: PanelGateway,
  components: PanelComponents,
): ResourceKit {
  return {
    adminjs,
    gateway,
    components,
    GatewayResource: gatewayResourceClass(adminjs),
    recordAction: recordActionFactory(adminjs, components),
  };
}

/**
 * The panel's resources are backed by the product's services through the gateway, not by an
 * ORM adapter: the account always comes from the signed-in admin (never from a filter or an
 * id in the request), and records hold only what the services answer, which has no hashes,
 * secrets or tokens. An `after` hook strips such fields anyway, should a service ever send one.
 */
function gatewayResourceClass(adminjs: AdminJSModule) {
  const { BaseResource, BaseRecord: RecordClass, BaseProperty: Property, ForbiddenError } = adminjs;

  class GatewayResource<Row, Query> extends BaseResource {
    private readonly props: BaseProperty[];

    constructor(
      private readonly resourceId: string,
      props: Array<ConstructorParameters<typeof Property>[0]>,
      private readonly source: RecordSource<Row, Query>,
    ) {
      super();
      this.props = props.map((prop) => new Property({ isSortable: false, ...prop }));
    }

    override async find(
      filter: Filter,
      options: { limit?: number; offset?: number },
      context?: ActionContext,
    ) {
      const rows = await this.source.list(this.admin(context).accountId, {
        ...this.source.query(filter),
        ...pageOf(options),
      });
      return rows.map((row) => this.build(this.source.params(row)));
    }

    /** The total alone (AdminJS asks for it beside `find`): one count, no rows. */
    override count(filter: Filter, context?: ActionContext) {
      return this.source.count(this.admin(context).accountId, this.source.query(filter));
    }

    override async findOne(id: string, context?: ActionContext) {
      const row = await this.source.get(this.admin(context).accountId, id);
      return row ? this.build(this.source.params(row)) : null;
    }

    override id() {
      return this.resourceId;
    }
    override databaseName() {
      return 'Gatekeeper';
    }
    override databaseType() {
      return 'Gatekeeper';
    }
    override properties() {
      return this.props;
    }
    override property(path: string) {
      return this.props.find((prop) => prop.path() === path) ?? null;
    }
    override build(params: Record<string, unknown>): BaseRecord {
      return new RecordClass(params, this);
    }
    override async findMany(ids: Array<string | number>, context?: ActionContext) {
      const records = await Promise.all(ids.map((id) => this.findOne(String(id), context)));
      return records.filter((record): record is BaseRecord => record !== null);
    }
    override create(
      _params: Record<string, unknown>,
      _context?: ActionContext,
    ): Promise<Record<string, unknown>> {
      throw new ForbiddenError();
    }
    override update(): Promise<Record<string, unknown>> {
      throw new ForbiddenError();
    }
    override delete(): Promise<void> {
      throw new ForbiddenError();
    }

    /** Every call acts for the signed-in administrator's account, or not at all. */
    protected admin(context?: ActionContext): PanelAdmin {
      const admin = context?.currentAdmin as PanelAdmin | undefined;
      if (!admin || admin.role !== 'admin' || !admin.secondFactor) throw new ForbiddenError();
      return admin;
    }
  }
  return GatewayResource;
}

export const isAdmin = ({ currentAdmin }: ActionContext) =>
  (currentAdmin as PanelAdmin | undefined)?.role === 'admin';
export const refused = { isAccessible: false };
export const readOnly = { new: refused, edit: refused, delete: refused, bulkDelete: refused };
export const settings = { name: 'Settings', icon: 'Settings' };
export const after = { after: stripSecrets };

/**
 * A record action that changes something (A6): its page (ConfirmRecordAction) reads the record
 * with GET and says what will happen, naming the record; only its POST calls the gateway, then
 * answers the record as it now is and goes back to it. Whatever path reached it, GET and HEAD
 * change nothing.
 */
function recordActionFactory(adminjs: AdminJSModule, components: PanelComponents) {
  return (options: {
    confirmation: string;
    run: (admin: PanelPrincipal, id: string, client: ClientInfo) => Promise<unknown>;
    success: string;
    isVisible?: (context: ActionContext) => boolean;
    variant?: 'danger' | 'primary';
  }) => ({
    actionType: 'record' as const,
    component: components.confirmRecordAction,
    variant: options.variant ?? 'danger',
    custom: { confirmation: options.confirmation },
    isAccessible: isAdmin,
    isVisible: options.isVisible ?? true,
    handler: async (request: PanelActionRequest, _response: unknown, context: ActionContext) => {
      const admin = request.panelPrincipal;
      if (!admin) throw new adminjs.ForbiddenError();
      const record = context.record!;
      if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
      const id = String(record.id());
      await options.run(admin, id, request.panelClient ?? { ip: null, userAgent: null });
      const fresh = await context.resource.findOne(id, context);
      return {
        record: fresh?.toJSON(context.currentAdmin),
        notice: { message: options.success, type: 'success' as const },
        redirectUrl: context.h.recordActionUrl({
          resourceId: context.resource.id(),
          recordId: id,
          actionName: 'show',
        }),
      };
    },
    ...after,
  });
}

export function filterValue(filter: Filter, path: string): string | undefined {
  const value = filter.get(path)?.value;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/**
 * AdminJS asks by offset (from `page` and `perPage`, unchecked); the product's lists by page. The
 * conversion keeps whatever was wrong (a negative, fractional or huge page, a per-page that is no
 * number) so that the list's own validation refuses it with a 400 (I5).
 */
export function pageOf(options: { limit?: number; offset?: number }): {
  page: number;
  limit: number;
} {
  const limit = options.limit ?? 20;
  return { page: (options.offset ?? 0) / limit + 1, limit };
}

/** A moment as the panel shows it: to the second, with its time zone (always UTC). */
export function shownTime(iso: string | null): string {
  return iso === null ? '—' : `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
