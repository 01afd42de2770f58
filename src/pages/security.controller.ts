import {
  Body,
  Controller,
  Get,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/access/access.decorators';
import type { Principal } from 'src/access/principal';
import { ChangePasswordDto } from 'src/auth/auth.dto';
import { AppException } from 'src/common/errors/app.exception';
import { ErrorCode } from 'src/common/errors/error-code';
import { clientInfoOf } from 'src/common/http/client-info';
import { FactorRegistry } from 'src/two-factor/factor-registry';
import { PASSKEY_SCRIPT_PATHS } from 'src/common/browser/browser-scripts';
import { validateBody } from 'src/common/http/validation';
import { PasswordDto } from 'src/two-factor/method-payloads.dto';
import type { PasskeyStatusDto } from 'src/two-factor/passkey/passkey.dto';
import { PasskeyService } from 'src/two-factor/passkey/passkey.service';
import { regenerateSession } from 'src/sessions/web-session.store';
import { formatDate, translate, type MessageKey } from './page-i18n';
import { PageErrorsFilter } from './page-errors.filter';
import { PageRenderer, type PageError } from './page-renderer';
import { pageState, type Notice, type PageRequest } from './page-session';
import { AddPasskeyForm, RenamePasskeyForm } from './pages.forms';
import { PageSecurityService } from './security.service';

const OVERVIEW = '/account/security';
const PASSKEY = PasskeyService.method;
/** The methods shown with an on/off switch; passkeys, several per user, have their own list. */
const SWITCHED_METHODS = ['totp', 'email'];
/** The methods these pages set up, strongest first as the registry lists them. */
const PAGE_METHODS = [PASSKEY, ...SWITCHED_METHODS];

/**
 * Profile > Two-factor authentication. The API's guard reads bearer tokens, so these routes are
 * public to it: the page gate resumed the page session first, and each route asks for the
 * principal it needs here. A setup token (mandatory 2FA, no method yet) opens the overview and
 * the methods' setup only, as at the API.
 */
@ApiExcludeController()
@Public()
@UseFilters(PageErrorsFilter)
@Controller('account/security')
export class SecurityController {
  constructor(
    private readonly security: PageSecurityService,
    private readonly factors: FactorRegistry,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  async overview(@Req() request: PageRequest, @Res() response: Response): Promise<void> {
    const principal = request.pagePrincipal;
    if (!principal) return response.redirect('/');
    await this.showOverview(request, response, principal);
  }

  @Get('methods/:method/setup')
  beginForm(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('method') method: string,
  ): void {
    const principal = this.principal(request, true);
    this.showBegin(request, response, principal, this.pageMethod(method));
  }

  @Post('methods/:method')
  async begin(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('method') method: string,
    @Body() body: unknown,
  ): Promise<void> {
    const { principal, name } = this.methodRoute(request, method);
    const refusal = await this.renderer.refusalOf(request, () =>
      this.security.begin(pageState(request), this.step(request, principal, name, body)),
    );
    if (refusal) return this.showBegin(request, response, principal, name, refusal);
    response.redirect(HttpStatus.SEE_OTHER, `${OVERVIEW}/methods/${name}/confirm`);
  }

  @Get('methods/:method/confirm')
  async confirmForm(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('method') method: string,
  ): Promise<void> {
    const principal = this.principal(request, true);
    await this.showConfirm(request, response, principal, this.pageMethod(method));
  }

  @Post('methods/:method/confirm')
  async confirm(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('method') method: string,
    @Body() body: unknown,
  ): Promise<void> {
    const { principal, name } = this.methodRoute(request, method);
    let notice: Notice = { key: 'notice.methodOn', params: { method: this.label(request, name) } };
    const refusal = await this.renderer.refusalOf(request, async () => {
      const step = this.step(request, principal, name, body);
      if (name !== PASSKEY) return this.security.confirm(pageState(request), step);
      const added = await this.security.addPasskey(pageState(request), {
        ...step,
        body: await validateBody(AddPasskeyForm, body),
      });
      notice = { key: 'notice.passkeyAdded', params: { name: added } };
    });
    if (refusal) return this.showConfirm(request, response, principal, name, refusal);
    if (principal.tokenKind === 'setup') {
      // The setup signed the user in: a new session id for the new session (U1).
      const state = pageState(request);
      await regenerateSession(request);
      request.session.page = state;
    }
    pageState(request).notice = notice;
    response.redirect(HttpStatus.SEE_OTHER, OVERVIEW);
  }

  @Post('methods/:method/resend')
  async resend(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('method') method: string,
  ): Promise<void> {
    const { principal, name } = this.methodRoute(request, method);
    const refusal = await this.renderer.refusalOf(request, () =>
      this.security.resend(principal, name),
    );
    if (refusal) return this.showConfirm(request, response, principal, name, refusal);
    pageState(request).notice = { key: 'notice.codeSent' };
    response.redirect(HttpStatus.SEE_OTHER, `${OVERVIEW}/methods/${name}/confirm`);
  }

  @Get('methods/:method/remove')
  removeForm(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('method') method: string,
  ): void {
    this.principal(request);
    this.showRemove(request, response, this.pageMethod(method));
  }

  @Post('methods/:method/remove')
  async remove(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('method') method: string,
    @Body() form: PasswordDto,
  ): Promise<void> {
    const principal = this.principal(request);
    const name = this.pageMethod(method);
    const refusal = await this.renderer.refusalOf(request, () =>
      this.security.remove(principal, name, form.password, clientInfoOf(request)),
    );
    if (refusal) return this.showRemove(request, response, name, refusal);
    pageState(request).notice = {
      key: 'notice.methodOff',
      params: { method: this.label(request, name) },
    };
    response.redirect(HttpStatus.SEE_OTHER, OVERVIEW);
  }

  @Get('passkeys/:id/rename')
  async renamePasskeyForm(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    const passkey = await this.security.passkey(this.principal(request), id);
    this.renderer.render(request, response, 'rename-passkey', {
      titleKey: 'renamePasskey.title',
      passkey,
    });
  }

  /** A name changes nothing about security: no password, as at the API. */
  @Post('passkeys/:id/rename')
  async renamePasskey(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() form: RenamePasskeyForm,
  ): Promise<void> {
    const renamed = await this.security.renamePasskey(this.principal(request), id, form.name);
    pageState(request).notice = { key: 'notice.passkeyRenamed', params: { name: renamed.name } };
    response.redirect(HttpStatus.SEE_OTHER, OVERVIEW);
  }

  @Get('passkeys/:id/remove')
  async removePasskeyForm(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    const passkey = await this.security.passkey(this.principal(request), id);
    this.renderer.render(request, response, 'remove-passkey', {
      titleKey: 'removePasskey.title',
      passkey,
    });
  }

  /** "Yes, remove", behind the password (P6); the last passkey takes the method with it. */
  @Post('passkeys/:id/remove')
  async removePasskey(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() form: PasswordDto,
  ): Promise<void> {
    const principal = this.principal(request);
    const passkey = await this.security.passkey(principal, id);
    const refusal = await this.renderer.refusalOf(request, () =>
      this.security.removePasskey(principal, id, form.password, clientInfoOf(request)),
    );
    if (refusal) {
      return this.renderer.render(request, response, 'remove-passkey', {
        titleKey: 'removePasskey.title',
        passkey,
        error: refusal,
      });
    }
    pageState(request).notice = { key: 'notice.passkeyRemoved', params: { name: passkey.name } };
    response.redirect(HttpStatus.SEE_OTHER, OVERVIEW);
  }

  @Get('recovery-codes')
  recoveryCodes(@Req() request: PageRequest, @Res() response: Response): void {
    this.principal(request);
    this.showRecoveryCodes(request, response);
  }

  @Post('recovery-codes')
  async newRecoveryCodes(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Body() form: PasswordDto,
  ): Promise<void> {
    const principal = this.principal(request);
    const refusal = await this.renderer.refusalOf(request, () =>
      this.security.newRecoveryCodes(
        principal,
        pageState(request),
        form.password,
        clientInfoOf(request),
      ),
    );
    if (refusal) return this.showRecoveryCodes(request, response, refusal);
    response.redirect(HttpStatus.SEE_OTHER, `${OVERVIEW}/recovery-codes`);
  }

  /** The codes just shown, as a text file; only until "I have saved them". */
  @Get('recovery-codes.txt')
  downloadRecoveryCodes(@Req() request: PageRequest, @Res() response: Response): void {
    this.principal(request);
    const codes = this.security.unseal(pageState(request)).recoveryCodes;
    if (!codes) throw new AppException(ErrorCode.NOT_FOUND, 'No recovery codes to download');
    response.setHeader('Cache-Control', 'no-store');
    response
      .attachment('recovery-codes.txt')
      .type('text/plain')
      .send(`${codes.join('\r\n')}\r\n`);
  }

  @Post('recovery-codes/saved')
  recoveryCodesSaved(@Req() request: PageRequest, @Res() response: Response): void {
    this.principal(request);
    this.security.forgetRecoveryCodes(pageState(request));
    response.redirect(HttpStatus.SEE_OTHER, OVERVIEW);
  }

  @Get('devices/:id/remove')
  async removeDeviceForm(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    const principal = this.principal(request);
    const { devices } = await this.security.overview(principal);
    const device = devices.find((candidate) => candidate.id === id);
    if (!device) throw new AppException(ErrorCode.NOT_FOUND, 'No such trusted device');
    this.renderer.render(request, response, 'remove-device', {
      titleKey: 'removeDevice.title',
      device,
    });
  }

  @Post('devices/:id/remove')
  async removeDevice(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    const principal = this.principal(request);
    await this.security.removeDevice(principal, id, clientInfoOf(request));
    pageState(request).notice = { key: 'notice.deviceRemoved' };
    response.redirect(HttpStatus.SEE_OTHER, OVERVIEW);
  }

  @Get('password')
  passwordForm(@Req() request: PageRequest, @Res() response: Response): void {
    this.principal(request);
    this.renderer.render(request, response, 'change-password', { titleKey: 'password.title' });
  }

  @Post('password')
  async changePassword(
    @Req() request: PageRequest,
    @Res() response: Response,
    @Body() form: ChangePasswordDto,
  ): Promise<void> {
    const principal = this.principal(request);
    const refusal = await this.renderer.refusalOf(request, () =>
      this.security.changePassword(principal, pageState(request), form, clientInfoOf(request)),
    );
    if (refusal) {
      return this.renderer.render(request, response, 'change-password', {
        titleKey: 'password.title',
        error: refusal,
      });
    }
    pageState(request).notice = { key: 'notice.passwordChanged' };
    response.redirect(HttpStatus.SEE_OTHER, OVERVIEW);
  }

  /** S4, D4: every session and trusted device ends, the pages' own included. */
  @Post('sign-out-everywhere')
  async signOutEverywhere(@Req() request: PageRequest, @Res() response: Response): Promise<void> {
    await this.security.signOutEverywhere(this.principal(request));
    const { language } = pageState(request);
    await regenerateSession(request);
    request.session.page = { language, notice: { key: 'notice.signedOut' } };
    response.redirect(HttpStatus.SEE_OTHER, '/');
  }

  /** A form's address opened with GET (a reload, the back button): the overview, nothing done. */
  @Get(['methods/:method', 'methods/:method/resend', 'recovery-codes/saved', 'sign-out-everywhere'])
  formAddress(@Res() response: Response): void {
    response.redirect(HttpStatus.SEE_OTHER, OVERVIEW);
  }

  /** Any other address under the page: the pages' own 404, not the API's JSON. */
  @Get('{*unknown}')
  unknown(): never {
    throw new NotFoundException();
  }

  private async showOverview(request: PageRequest, response: Response, principal: Principal) {
    const { status, devices } = await this.security.overview(principal);
    const language = this.renderer.language(request);
    const offered = PAGE_METHODS.filter((name) => this.factors.find(name));
    const enabled = offered.filter((name) => (status[name] as { enabled?: boolean }).enabled);
    const passkeys = status[PASSKEY] as PasskeyStatusDto | undefined;
    const methods = SWITCHED_METHODS.filter((name) => offered.includes(name)).map((name) => {
      const own = status[name] as {
        enabled: boolean;
        address?: string | null;
        pendingAddress?: string | null;
      };
      return {
        name,
        labelKey: `method.${name}`,
        introKey: `security.${name}Intro`,
        enabled: own.enabled,
        address: own.address,
        pendingAddress: own.pendingAddress,
        // The help page's rule, as the API decides it: the last method stays while 2FA is mandatory.
        locked: own.enabled && status.required && enabled.length === 1,
      };
    });
    this.renderer.render(request, response, 'security', {
      titleKey: principal.tokenKind === 'setup' ? 'setup.title' : 'security.title',
      setup: principal.tokenKind === 'setup',
      admin: principal.role === 'admin' && principal.tokenKind === 'access',
      methods,
      choices: offered.map((name) => ({
        name,
        labelKey: `method.${name}`,
        introKey: `security.${name}Intro`,
      })),
      passkeys: passkeys && {
        list: passkeys.credentials.map((passkey) => ({
          id: passkey.id,
          name: passkey.name,
          created: formatDate(language, passkey.createdAt),
          lastUsed: passkey.lastUsedAt && formatDate(language, passkey.lastUsedAt),
        })),
        // The last passkey, when it is the last method of a mandatory 2FA, stays (as a switch would).
        locked: status.required && enabled.length === 1 && passkeys.credentials.length === 1,
      },
      hasMethod: enabled.length > 0,
      recoveryRemaining: status.recoveryCodes.remaining,
      devices: devices.map((device) => ({
        ...device,
        until: formatDate(language, device.expiresAt),
      })),
    });
  }

  private showBegin(
    request: PageRequest,
    response: Response,
    principal: Principal,
    method: string,
    error?: PageError,
  ): void {
    this.renderer.render(request, response, 'method-begin', {
      titleKey: `${method}.title` as MessageKey,
      method,
      error,
      askPassword: principal.tokenKind === 'access',
      askEmail: method === 'email',
    });
  }

  private async showConfirm(
    request: PageRequest,
    response: Response,
    principal: Principal,
    method: string,
    error?: PageError,
  ): Promise<void> {
    if (method === PASSKEY) return this.showAddPasskey(request, response, error);
    const totp = method === 'totp' ? this.security.unseal(pageState(request)).totp : undefined;
    const { status } = await this.security.overview(principal);
    const pendingAddress = (status[method] as { pendingAddress?: string | null }).pendingAddress;
    if ((method === 'totp' && !totp) || (method === 'email' && !pendingAddress)) {
      return response.redirect(`${OVERVIEW}/methods/${method}/setup`);
    }
    this.renderer.render(request, response, 'method-confirm', {
      titleKey: `${method}.title` as MessageKey,
      method,
      error,
      qrCode: totp?.qrCode,
      // "Do it manually": the key in groups of four, as authenticator apps show them.
      manualKey: totp?.secret.match(/.{1,4}/g)?.join(' '),
      pendingAddress,
    });
  }

  /** The passkey's creation options, sealed at begin, until the browser answers them. */
  private showAddPasskey(request: PageRequest, response: Response, error?: PageError): void {
    const passkey = this.security.unseal(pageState(request)).passkey;
    if (!passkey) return response.redirect(`${OVERVIEW}/methods/${PASSKEY}/setup`);
    this.renderer.render(request, response, 'passkey-add', {
      titleKey: 'passkey.title',
      error,
      passkeyOptions: JSON.stringify(passkey.options),
      scripts: PASSKEY_SCRIPT_PATHS,
    });
  }

  private showRemove(
    request: PageRequest,
    response: Response,
    method: string,
    error?: PageError,
  ): void {
    this.renderer.render(request, response, 'remove-method', {
      titleKey: 'remove.title',
      method,
      methodLabel: this.label(request, method),
      error,
    });
  }

  private showRecoveryCodes(request: PageRequest, response: Response, error?: PageError): void {
    const codes = this.security.unseal(pageState(request)).recoveryCodes;
    this.renderer.render(request, response, 'recovery-codes', {
      titleKey: 'recovery.title',
      codes,
      error,
    });
  }

  /** A method's route: who asks (a setup token may), and which method the pages know it as. */
  private methodRoute(request: PageRequest, method: string) {
    return { principal: this.principal(request, true), name: this.pageMethod(method) };
  }

  /** A setup step's input, as the API's `/api/me/two-factor/:method` routes receive it. */
  private step(request: PageRequest, principal: Principal, method: string, body: unknown) {
    return { principal, method, body, client: clientInfoOf(request) };
  }

  /** 401 without a page session; a setup token only where `setupAllowed`, as at the API. */
  private principal(request: PageRequest, setupAllowed = false): Principal {
    const principal = request.pagePrincipal;
    if (!principal || (principal.tokenKind === 'setup' && !setupAllowed)) {
      throw new AppException(ErrorCode.UNAUTHENTICATED, 'Sign in first');
    }
    return principal;
  }

  /** A method these pages have screens for; any other name is a 404 page. */
  private pageMethod(name: string): string {
    if (!PAGE_METHODS.includes(name)) {
      throw new AppException(ErrorCode.NOT_FOUND, `No page sets up a method named ${name}`);
    }
    return this.factors.method(name).name;
  }

  private label(request: PageRequest, method: string): string {
    return translate(this.renderer.language(request), `method.${method}`);
  }
}
