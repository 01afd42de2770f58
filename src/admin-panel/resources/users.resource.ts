import type {
  ActionContext,
  ActionRequest,
  Filter,
  RecordActionResponse,
  ResourceWithOptions,
} from 'adminjs' with { 'resolution-mode': 'import' };
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { PanelRefusal, type PanelUserRow } from '../panel-gateway';
import { methodName } from '../panel-pages';
import { stripSecrets, type PanelAdmin } from '../panel-resources';
import {
  after,
  filterValue,
  isAdmin,
  refused,
  settings,
  shownTime,
  type ResourceKit,
} from './gateway-resource';

/**
 * Settings > Users: the account's users with their 2FA methods, status and last sign-in; new
 * users; disable and enable; Reset 2FA, offered only to a user who has a method.
 */
export function usersResource(kit: ResourceKit): ResourceWithOptions {
  const { adminjs, gateway, GatewayResource, recordAction } = kit;

  class UsersResource extends GatewayResource<PanelUserRow, ReturnType<typeof usersQuery>> {
    constructor() {
      super(
        'users',
        [
          { path: 'id', type: 'string', isId: true },
          { path: 'name', type: 'string' },
          { path: 'email', type: 'string' },
          { path: 'role', type: 'string' },
          { path: 'twoFactor', type: 'string' },
          { path: 'twoFactorStatus', type: 'string' },
          { path: 'status', type: 'string' },
          { path: 'lastSignIn', type: 'string' },
          { path: 'created', type: 'string' },
          { path: 'password', type: 'password' },
        ],
        {
          query: usersQuery,
          list: (accountId, query) => gateway.listUsers(accountId, query),
          count: (accountId, query) => gateway.countUsers(accountId, query),
          get: (accountId, id) => gateway.getUser(accountId, id),
          params: userParams,
        },
      );
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

  const self = ({ record, currentAdmin }: ActionContext) =>
    record?.id() === (currentAdmin as PanelAdmin | undefined)?.id;
  const disabled = ({ record }: ActionContext) => record?.params.status === DISABLED;

  return {
    resource: new UsersResource(),
    options: {
      id: 'users',
      navigation: settings,
      listProperties: ['name', 'email', 'role', 'twoFactor', 'status', 'lastSignIn'],
      showProperties: ['name', 'email', 'role', 'twoFactor', 'status', 'lastSignIn', 'created'],
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
        resetTwoFactor: recordAction({
          confirmation: 'resetTwoFactorConfirm',
          run: (admin, id, client) => gateway.resetTwoFactor(admin, id, client),
          success:
            'Two-factor authentication reset: the user was emailed and signed out everywhere.',
          // Only a user with a method has anything to reset.
          isVisible: ({ record }) => record?.params.twoFactorStatus === 'enabled',
        }),
        disable: recordAction({
          confirmation: 'disableConfirm',
          run: (admin, id, client) => gateway.disableUser(admin, id, client),
          success: 'The user is disabled and was signed out everywhere.',
          isVisible: (context) => !disabled(context) && !self(context),
        }),
        enable: recordAction({
          confirmation: 'enableConfirm',
          run: (admin, id, client) => gateway.enableUser(admin, id, client),
          success: 'The user may sign in again.',
          isVisible: disabled,
          variant: 'primary',
        }),
      },
    },
  };
}

const ACTIVE = 'Active';
const DISABLED = 'Disabled';

const ROLE_VALUES = [
  { value: 'admin', label: 'Administrator' },
  { value: 'member', label: 'Member' },
];
const TWO_FACTOR_VALUES = [
  { value: 'enabled', label: 'Enabled' },
  { value: 'disabled', label: 'Disabled' },
];

/** The 2FA cell: a check mark naming the methods, or a dash; times with their time zone. */
function userParams(user: PanelUserRow): Record<string, unknown> {
  const { methods, disabledAt, lastSignInAt, createdAt, ...rest } = user;
  return {
    ...rest,
    twoFactor: methods.length ? `✓ ${methods.map(methodName).join(', ')}` : '—',
    twoFactorStatus: methods.length ? 'enabled' : 'disabled',
    status: disabledAt === null ? ACTIVE : DISABLED,
    lastSignIn: lastSignInAt === null ? 'Never' : shownTime(lastSignInAt),
    created: shownTime(createdAt),
  };
}

/** Email and name filters both search both columns, as the API's `search` does. */
function usersQuery(filter: Filter) {
  const status = filterValue(filter, 'twoFactorStatus');
  return {
    search: filterValue(filter, 'email') ?? filterValue(filter, 'name'),
    twoFactor: status as 'enabled' | 'disabled' | undefined,
  };
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
