import type {
  ActionContext,
  ActionRequest,
  BaseRecord,
  BaseProperty,
  CurrentAdmin,
  Filter,
  RecordActionResponse,
  ResourceWithOptions,
} from 'adminjs' with { 'resolution-mode': 'import' };
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import {
  AUDIT_TYPES,
  PanelRefusal,
  type ClientInfo,
  type PanelGateway,
  type PanelPrincipal,
  type PanelUserRow,
} from './panel-gateway';
import { methodName } from './panel-pages';

type AdminJSModule = typeof import('adminjs');

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
    secondFactor: principal.secondFactor,
  };
}

/** Set by the panel router on every request AdminJS handles: the resumed session and client. */
export type PanelActionRequest = ActionRequest & {
  panelClient?: ClientInfo;
  panelPrincipal?: PanelPrincipal;
};

export const POLICY_ON_TEXT =
  'Before activating this option, make sure every person using the account has their own ' +
  'username and password. Everyone without a second factor will have to set one up at their next sign-in.';
export const POLICY_OFF_TEXT =
  'Deactivating removes nobody’s methods: people who set one up keep being asked for it.';

/**
 * The panel's resources are backed by the product's services through the gateway, not by an
 * ORM adapter: the account always comes from the signed-in admin (never from a filter or an
 * id in the request), and records hold only what the services answer, which has no hashes,
 * secrets or tokens. An `after` hook strips such fields anyway, should a service ever send one.
 */
export function panelResources(
  adminjs: AdminJSModule,
  gateway: PanelGateway,
  /** The component that confirms a record action with a POST (panel-bundle's panelComponents). */
  confirmRecordAction: string,
): ResourceWithOptions[] {
  const { BaseResource, BaseRecord: RecordClass, BaseProperty: Property, ForbiddenError } = adminjs;

  abstract class GatewayResource extends BaseResource {
    private readonly props: BaseProperty[];

    constructor(
      private readonly resourceId: string,
      props: Array<ConstructorParameters<typeof Property>[0]>,
    ) {
      super();
      this.props = props.map((prop) => new Property({ isSortable: false, ...prop }));
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
    override findOne(_id: string, _context?: ActionContext): Promise<BaseRecord | null> {
      return Promise.resolve(null);
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

  class UsersResource extends GatewayResource {
    constructor() {
      super('users', [
        { path: 'id', type: 'string', isId: true },
        { path: 'name', type: 'string' },
        { path: 'email', type: 'string' },
        { path: 'role', type: 'string' },
        { path: 'twoFactor', type: 'string' },
        { path: 'twoFactorStatus', type: 'string' },
        { path: 'active', type: 'boolean' },
        { path: 'createdAt', type: 'datetime' },
        { path: 'password', type: 'password' },
      ]);
    }

    override async find(
      filter: Filter,
      options: { limit?: number; offset?: number },
      context?: ActionContext,
    ) {
      const page = await gateway.listUsers(this.admin(context).accountId, {
        ...usersQuery(filter),
        ...pageOf(options),
      });
      return page.items.map((user) => this.build(userParams(user)));
    }

    override async count(filter: Filter, context?: ActionContext) {
      const accountId = this.admin(context).accountId;
      return (await gateway.listUsers(accountId, { ...usersQuery(filter), page: 1, limit: 1 }))
        .total;
    }

    override async findOne(id: string, context?: ActionContext) {
      const user = await gateway.getUser(this.admin(context).accountId, id);
      return user ? this.build(userParams(user)) : null;
    }

    override async create(params: Record<string, unknown>, context?: ActionContext) {
      const { email, name, password, role } = params;
      try {
        const user = await gateway.createUser(this.admin(context).accountId, {
          email,
          name,
          password,
          role,
        });
        return userParams(user);
      } catch (error) {
        if (error instanceof PanelRefusal) {
          throw new adminjs.ValidationError(fieldErrors(error), { message: error.message });
        }
        throw error;
      }
    }
  }

  class AuditEventsResource extends GatewayResource {
    constructor() {
      super('audit-events', [
        { path: 'id', type: 'string', isId: true },
        { path: 'createdAt', type: 'datetime' },
        { path: 'type', type: 'string' },
        { path: 'userId', type: 'string' },
        { path: 'actorId', type: 'string' },
        { path: 'factor', type: 'string' },
        { path: 'detail', type: 'string' },
        { path: 'ip', type: 'string' },
      ]);
    }

    override async find(
      filter: Filter,
      options: { limit?: number; offset?: number },
      context?: ActionContext,
    ) {
      const page = await gateway.listAuditEvents(this.admin(context).accountId, {
        ...auditQuery(filter),
        ...pageOf(options),
      });
      return page.items.map((event) => this.build({ ...event }));
    }

    override async count(filter: Filter, context?: ActionContext) {
      const accountId = this.admin(context).accountId;
      return (
        await gateway.listAuditEvents(accountId, { ...auditQuery(filter), page: 1, limit: 1 })
      ).total;
    }
  }

  /** One record: the signed-in administrator's account's policy. */
  class PolicyResource extends GatewayResource {
    constructor() {
      super('two-factor-policy', [
        { path: 'id', type: 'string', isId: true },
        { path: 'twoFactorRequired', type: 'boolean' },
        { path: 'enforced', type: 'boolean' },
      ]);
    }

    override async find(_filter: Filter, _options: object, context?: ActionContext) {
      return [await this.current(context)];
    }
    override count() {
      return Promise.resolve(1);
    }
    override async findOne(id: string, context?: ActionContext) {
      return id === 'account' ? this.current(context) : null;
    }

    private async current(context?: ActionContext) {
      const policy = await gateway.getPolicy(this.admin(context).accountId);
      return this.build({ id: 'account', ...policy });
    }
  }

  const isAdmin = ({ currentAdmin }: ActionContext) =>
    (currentAdmin as PanelAdmin | undefined)?.role === 'admin';
  const refused = { isAccessible: false };
  const readOnly = { new: refused, edit: refused, delete: refused, bulkDelete: refused };
  const settings = { name: 'Settings', icon: 'Settings' };
  const after = { after: stripSecrets };

  /**
   * A record action that changes something (A6): its page (ConfirmRecordAction) reads the record
   * with GET and says what will happen; only its POST calls the gateway, then answers the record
   * as it now is and goes back to it. Whatever path reached it, GET and HEAD change nothing.
   */
  const recordAction = (
    confirmation: string,
    run: (admin: PanelPrincipal, id: string, client: ClientInfo) => Promise<unknown>,
    success: string,
    isVisible?: (context: ActionContext) => boolean,
  ) => ({
    actionType: 'record' as const,
    component: confirmRecordAction,
    custom: { confirmation },
    isAccessible: isAdmin,
    isVisible: isVisible ?? true,
    handler: async (request: PanelActionRequest, _response: unknown, context: ActionContext) => {
      const admin = request.panelPrincipal;
      if (!admin) throw new ForbiddenError();
      const record = context.record!;
      if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
      const id = String(record.id());
      await run(admin, id, request.panelClient ?? { ip: null, userAgent: null });
      const fresh = await context.resource.findOne(id, context);
      return {
        record: fresh?.toJSON(context.currentAdmin),
        notice: { message: success, type: 'success' as const },
        redirectUrl: context.h.recordActionUrl({
          resourceId: context.resource.id(),
          recordId: id,
          actionName: 'show',
        }),
      };
    },
    ...after,
  });

  return [
    {
      resource: new UsersResource(),
      options: {
        id: 'users',
        navigation: settings,
        listProperties: ['name', 'email', 'role', 'twoFactor'],
        showProperties: ['name', 'email', 'role', 'twoFactor', 'active', 'createdAt'],
        editProperties: ['name', 'email', 'password', 'role'],
        filterProperties: ['email', 'name', 'twoFactorStatus'],
        properties: {
          role: { availableValues: ROLE_VALUES },
          twoFactorStatus: { availableValues: TWO_FACTOR_VALUES },
          password: { type: 'password' },
        },
        actions: {
          list: { isAccessible: isAdmin, ...after },
          search: { isAccessible: isAdmin, ...after },
          show: { isAccessible: isAdmin, ...after },
          new: {
            isAccessible: isAdmin,
            before: postOnly,
            after: [refusedCreation, stripSecrets],
          },
          edit: refused,
          delete: refused,
          bulkDelete: refused,
          resetTwoFactor: recordAction(
            'resetTwoFactorConfirm',
            (admin, id, client) => gateway.resetTwoFactor(admin, id, client),
            'Two-factor authentication reset: the user was emailed and signed out everywhere.',
          ),
        },
      },
    },
    {
      resource: new AuditEventsResource(),
      options: {
        id: 'audit-events',
        navigation: settings,
        listProperties: ['createdAt', 'type', 'userId', 'actorId', 'factor', 'detail', 'ip'],
        filterProperties: ['type', 'userId'],
        properties: {
          type: { availableValues: AUDIT_TYPES.map((type) => ({ value: type, label: type })) },
        },
        actions: { ...readOnly, show: refused, list: { isAccessible: isAdmin, ...after } },
      },
    },
    {
      resource: new PolicyResource(),
      options: {
        id: 'two-factor-policy',
        navigation: settings,
        listProperties: ['twoFactorRequired', 'enforced'],
        showProperties: ['twoFactorRequired', 'enforced'],
        properties: {
          twoFactorRequired: { description: `${POLICY_ON_TEXT} ${POLICY_OFF_TEXT}` },
        },
        actions: {
          ...readOnly,
          list: { isAccessible: isAdmin, ...after },
          show: { isAccessible: isAdmin, ...after },
          search: refused,
          activate: recordAction(
            'activateConfirm',
            (admin, _id, client) => gateway.setPolicy(admin, true, client),
            'Two-factor authentication is now mandatory for this account.',
            ({ record }) => record?.params.twoFactorRequired !== true,
          ),
          deactivate: recordAction(
            'deactivateConfirm',
            (admin, _id, client) => gateway.setPolicy(admin, false, client),
            'Two-factor authentication is now optional; nobody’s methods were removed.',
            ({ record }) => record?.params.twoFactorRequired === true,
          ),
        },
      },
    },
  ];
}

const ROLE_VALUES = [
  { value: 'admin', label: 'Administrator' },
  { value: 'member', label: 'Member' },
];
const TWO_FACTOR_VALUES = [
  { value: 'enabled', label: 'Enabled' },
  { value: 'disabled', label: 'Disabled' },
];

/** The 2FA cell: a check mark naming the methods, or a dash. */
function userParams(user: PanelUserRow): Record<string, unknown> {
  const { methods, ...rest } = user;
  return {
    ...rest,
    twoFactor: methods.length ? `✓ ${methods.map(methodName).join(', ')}` : '—',
    twoFactorStatus: methods.length ? 'enabled' : 'disabled',
  };
}

function filterValue(filter: Filter, path: string): string | undefined {
  const value = filter.get(path)?.value;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Email and name filters both search both columns, as the API's `search` does. */
function usersQuery(filter: Filter) {
  const status = filterValue(filter, 'twoFactorStatus');
  return {
    search: filterValue(filter, 'email') ?? filterValue(filter, 'name'),
    twoFactor: status as 'enabled' | 'disabled' | undefined,
  };
}

function auditQuery(filter: Filter) {
  return { type: filterValue(filter, 'type'), userId: filterValue(filter, 'userId') };
}

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

/**
 * AdminJS asks by offset (from `page` and `perPage`, unchecked); the product's lists by page. The
 * conversion keeps whatever was wrong (a negative, fractional or huge page, a per-page that is no
 * number) so that the list's own validation refuses it with a 400 (I5).
 */
function pageOf(options: { limit?: number; offset?: number }): { page: number; limit: number } {
  const limit = options.limit ?? 20;
  return { page: (options.offset ?? 0) / limit + 1, limit };
}

/** The new action's GET would end in AdminJS's 500 ("only via post"): not found (I5). */
function postOnly(request: ActionRequest): ActionRequest {
  if (request.method === 'post') return request;
  throw new AppException(ErrorCode.NOT_FOUND, 'Creating a user takes POST');
}

const USER_FIELDS = ['email', 'name', 'password', 'role'];

/**
 * Where the form shows a refusal: an email in use on the email field, each validation message on
 * the field it starts with (the product's messages name their field first).
 */
function fieldErrors(refusal: PanelRefusal): Record<string, { message: string }> {
  if (refusal.code === ErrorCode.EMAIL_TAKEN) return { email: { message: refusal.message } };
  const errors: Record<string, { message: string }> = {};
  for (const part of refusal.message.split('; ')) {
    const field = part.split(' ')[0];
    if (!USER_FIELDS.includes(field)) continue;
    errors[field] = { message: errors[field] ? `${errors[field].message}; ${part}` : part };
  }
  return errors;
}

/**
 * AdminJS's new action reports success unless a field has an error; a refusal that names no
 * field (the record still has its base error) is an error on the form all the same.
 */
function refusedCreation(response: RecordActionResponse): RecordActionResponse {
  const refusal = response.record.baseError;
  if (!refusal) return response;
  return { record: response.record, notice: { message: refusal.message, type: 'error' } };
}
