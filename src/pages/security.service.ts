import { Injectable } from '@nestjs/common';
import type { Principal } from 'src/access/principal';
import { AccountSessionsService } from 'src/auth/account-sessions.service';
import { MethodSettingsService } from 'src/auth/method-settings.service';
import { MethodSetupService } from 'src/auth/method-setup.service';
import { passkeyResponseOf } from 'src/common/browser/passkey-answer';
import { CryptoService } from 'src/common/crypto/crypto.service';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import type { ClientInfo } from 'src/common/http/client-info';
import { DevicesService } from 'src/devices/devices.service';
import type { SessionDto } from 'src/sessions/sessions.dto';
import type { ChangePasswordDto } from 'src/auth/auth.dto';
import type { PasskeyCreationOptionsDto } from 'src/two-factor/passkey/passkey.dto';
import { PasskeyService, type PasskeySummary } from 'src/two-factor/passkey/passkey.service';
import { UsersService } from 'src/users/users.service';
import type { PageState } from './page-session';
import type { AddPasskeyForm } from './pages.forms';
import { PageSignInService } from './sign-in.service';

/** What setup showed once and the page must show again until it is confirmed or saved. */
interface Sealed {
  totp?: { secret: string; qrCode: string };
  /** A passkey's creation options, until the browser answers them. */
  passkey?: { options: Record<string, unknown> };
  recoveryCodes?: string[];
}

/** A setup step as a route received it: who, which method, the method's own payload. */
export interface SetupStep {
  principal: Principal;
  method: string;
  body: unknown;
  client: ClientInfo;
}

/**
 * Profile > Two-factor authentication on the API's own services: every change runs exactly as
 * its `/api/me/...` route runs it (password re-check, limits, audit, mails, the last-method rule).
 */
@Injectable()
export class PageSecurityService {
  constructor(
    private readonly setup: MethodSetupService,
    private readonly settings: MethodSettingsService,
    private readonly accountSessions: AccountSessionsService,
    private readonly devices: DevicesService,
    private readonly users: UsersService,
    private readonly signIn: PageSignInService,
    private readonly passkeys: PasskeyService,
    private readonly crypto: CryptoService,
  ) {}

  async overview(principal: Principal) {
    const [status, devices] = await Promise.all([
      this.settings.status(principal),
      principal.tokenKind === 'access'
        ? this.devices.list(principal.userId, principal.deviceId)
        : [],
    ]);
    return { status, devices };
  }

  /** Setup's first step with the method's own payload; an app's key is kept sealed until confirmed. */
  async begin(state: PageState, step: SetupStep): Promise<void> {
    const answer = await this.setup.begin(step.principal, step.method, step.body, step.client);
    if (isTotpEnrolment(answer.body)) {
      const { secret, qrCode } = answer.body;
      this.seal(state, { ...this.unseal(state), totp: { secret, qrCode } });
    } else if (step.method === PasskeyService.method) {
      const { options } = answer.body as PasskeyCreationOptionsDto;
      this.seal(state, { ...this.unseal(state), passkey: { options } });
    }
  }

  /** A setup token's first method answers the session its sign-in was waiting for. */
  async confirm(state: PageState, step: SetupStep): Promise<void> {
    const answer = await this.setup.confirm(step.principal, step.method, step.body, step.client);
    const { totp: _done, ...rest } = this.unseal(state);
    this.seal(state, rest);
    if (isSession(answer)) this.signIn.signedIn(state, answer);
  }

  /**
   * The API's passkey confirmation, then its rename when the user named the passkey (no password
   * needed for a name, as at the API). Answers the passkey's name.
   */
  async addPasskey(state: PageState, step: SetupStep & { body: AddPasskeyForm }): Promise<string> {
    const { principal, body: form } = step;
    const userId = principal.userId;
    const before = new Set((await this.passkeys.list(userId)).map((passkey) => passkey.id));
    const answer = await this.setup.confirm(
      principal,
      PasskeyService.method,
      { response: passkeyResponseOf(form.response) },
      step.client,
    );
    const { passkey: _done, ...rest } = this.unseal(state);
    this.seal(state, rest);
    if (isSession(answer)) this.signIn.signedIn(state, answer);
    // A setup token's confirmation answers a session, not the passkey: the new one is found by id.
    const added = (await this.passkeys.list(userId)).find((passkey) => !before.has(passkey.id));
    if (!added || !form.name) return added?.name ?? '';
    return (await this.passkeys.rename(userId, added.id, form.name)).name;
  }

  async passkey(principal: Principal, passkeyId: string): Promise<PasskeySummary> {
    const passkey = (await this.passkeys.list(principal.userId)).find(
      (candidate) => candidate.id === passkeyId,
    );
    if (!passkey) throw new AppException(ErrorCode.NOT_FOUND, 'No such passkey');
    return passkey;
  }

  renamePasskey(principal: Principal, passkeyId: string, name: string): Promise<PasskeySummary> {
    return this.passkeys.rename(principal.userId, passkeyId, name);
  }

  removePasskey(principal: Principal, passkeyId: string, password: string, client: ClientInfo) {
    return this.settings.removeCredential(
      principal,
      PasskeyService.method,
      passkeyId,
      password,
      client,
    );
  }

  resend(principal: Principal, method: string): Promise<void> {
    return this.setup.resend(principal, method);
  }

  remove(principal: Principal, method: string, password: string, client: ClientInfo) {
    return this.settings.removeMethod(principal, method, password, client);
  }

  async newRecoveryCodes(
    principal: Principal,
    state: PageState,
    password: string,
    client: ClientInfo,
  ): Promise<void> {
    const { codes } = await this.settings.regenerateRecoveryCodes(principal, password, client);
    this.seal(state, { ...this.unseal(state), recoveryCodes: codes });
  }

  /** "I have saved them": the codes are not shown again. */
  forgetRecoveryCodes(state: PageState): void {
    const { recoveryCodes: _saved, ...rest } = this.unseal(state);
    this.seal(state, rest);
  }

  removeDevice(principal: Principal, deviceId: string, client: ClientInfo): Promise<void> {
    return this.devices.remove(
      { id: principal.userId, accountId: principal.accountId },
      deviceId,
      client,
    );
  }

  /**
   * The API's password change: other sessions and trusted devices end, this one carries on. An
   * API client refreshes its token for the new session version; the pages take it from the user.
   */
  async changePassword(
    principal: Principal,
    state: PageState,
    form: ChangePasswordDto,
    client: ClientInfo,
  ): Promise<void> {
    await this.accountSessions.changePassword(
      principal,
      form.currentPassword,
      form.newPassword,
      client,
    );
    const user = await this.users.findById(principal.userId);
    if (state.access && user) state.access = { ...state.access, sv: user.sessionVersion };
  }

  signOutEverywhere(principal: Principal): Promise<void> {
    return this.accountSessions.logoutEverywhere(principal.userId);
  }

  unseal(state: PageState): Sealed {
    return state.sealed ? (JSON.parse(this.crypto.decrypt(state.sealed)) as Sealed) : {};
  }

  /** Kept encrypted: the session row is in the database, and these are secrets. */
  private seal(state: PageState, sealed: Sealed): void {
    if (sealed.totp || sealed.passkey || sealed.recoveryCodes)
      state.sealed = this.crypto.encrypt(JSON.stringify(sealed));
    else delete state.sealed;
  }
}

function isTotpEnrolment(body: object): body is { secret: string; qrCode: string } {
  return 'secret' in body && 'qrCode' in body;
}

function isSession(answer: object): answer is SessionDto {
  return 'accessToken' in answer;
}
