import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PasskeyCredential } from 'src/two-factor/passkey/passkey-credential.entity';
import { User } from 'src/users/user.entity';
import { createAccountWithUser, createUser, signIn, type TestUser } from './support/factories';
import { secret32 } from './support/instances';
import { csrfOf } from './support/pages';
import { inParallel, statusCounts } from './support/parallel';
import {
  SoftwareAuthenticator,
  type AuthenticatorSettings,
  type CeremonyOverrides,
  u2fAttestationCertificate,
} from './support/software-authenticator';
import { startTestApp, type TestApp } from './support/test-app';
import {
  enableEmailMethod,
  enableTotpMethod,
  signInWithApp,
  startChallenge,
  userWithMethods,
} from './support/two-factor';

const ORIGIN = 'https://auth.example.com';
const onMariaDb = Boolean(process.env.E2E_DATABASE_URL);

/**
 * Passkeys over HTTP, with a software authenticator in place of the browser: set up and listed
 * through the generic method routes, renamed, removed, reset, asked at sign-in after the
 * password, and used alone for a passwordless sign-in (W1-W5).
 */
describe('Passkeys', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: ORIGIN });
    admin = await createAccountWithUser(t, 'admin');
    const secret = await enableTotpMethod(t, admin, (await signIn(t, admin)).accessToken);
    adminToken = (await signInWithApp(t, admin, secret)).accessToken;
  });
  afterAll(() => t.close());

  const authenticator = (settings: Partial<AuthenticatorSettings> = {}) =>
    new SoftwareAuthenticator({ origin: ORIGIN, ...settings });

  async function addPasskey(
    user: TestUser,
    token: string,
    key: SoftwareAuthenticator,
    overrides: CeremonyOverrides = {},
    /** How the client encodes the answer, if not as a browser does. */
    encoded: (answer: RegistrationResponseJSON) => object = (answer) => answer,
  ) {
    const begun = await t
      .as(token)
      .post('/api/me/two-factor/passkey')
      .send({ password: user.password })
      .expect(200);
    const response = key.register(
      begun.body.options as PublicKeyCredentialCreationOptionsJSON,
      overrides,
    );
    return t
      .as(token)
      .post('/api/me/two-factor/passkey/confirm')
      .send({ response: encoded(response) });
  }

  async function memberWithPasskey(settings: Partial<AuthenticatorSettings> = {}) {
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    const key = authenticator(settings);
    const added = await addPasskey(member, token, key);
    expect(added.status).toBe(200);
    return { member, token, key, passkeyId: added.body.id as string };
  }

  const passwordlessOptions = async () =>
    (await t.http.post('/api/auth/passkey/options').expect(200)).body
      .options as PublicKeyCredentialRequestOptionsJSON;

  const secondFactor = (challengeToken: string, response: object) =>
    t.http.post('/api/auth/two-factor/verify').send({ challengeToken, response });

  async function auditOf(userId: string): Promise<{ type: string; factor: string | null }[]> {
    return t.app
      .get(DataSource)
      .query('SELECT type, factor FROM audit_events WHERE userId = ? ORDER BY createdAt', [userId]);
  }

  it('W1: registers a passkey (none) and a security key (packed), listed with name, created and last used', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    const begun = await t
      .as(token)
      .post('/api/me/two-factor/passkey')
      .send({ password: member.password })
      .expect(200);
    expect(begun.body.options.rp).toEqual({ name: 'Gatekeeper', id: 'auth.example.com' });

    const phone = authenticator();
    const first = await t
      .as(token)
      .post('/api/me/two-factor/passkey/confirm')
      .send({ response: phone.register(begun.body.options) })
      .expect(200);
    expect(first.body).toMatchObject({ name: 'Passkey 1', lastUsedAt: null });
    const key = authenticator({ attestation: 'packed', discoverable: false });
    await addPasskey(member, token, key).then((added) => expect(added.status).toBe(200));

    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body.passkey.enabled).toBe(true);
    expect(status.body.passkey.credentials).toHaveLength(2);
    // Two added within one second: MariaDB's datetime does not order them.
    expect(status.body.passkey.credentials).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'Passkey 1',
          createdAt: expect.any(String),
          lastUsedAt: null,
        }),
        expect.objectContaining({
          name: 'Passkey 2',
          createdAt: expect.any(String),
          lastUsedAt: null,
        }),
      ]),
    );
    expect(JSON.stringify(status.body)).not.toContain(phone.credentials[0].id);
  });

  it('W1: a U2F security key (fido-u2f attestation, presence only) is added and passes the second step; a forged attestation is refused', async () => {
    const u2fKey = { userVerification: false, discoverable: false, transports: ['usb'] };
    const batch = await u2fAttestationCertificate();
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    // Signed by another key than its certificate's: the attestation does not verify.
    const forged = authenticator({
      ...u2fKey,
      attestation: 'fido-u2f',
      u2fAttestation: {
        der: batch.der,
        privateKey: (await u2fAttestationCertificate()).privateKey,
      },
    });
    const refused = await addPasskey(member, token, forged);
    expect([refused.status, refused.body.code]).toEqual([400, 'PASSKEY_REFUSED']);
    const none = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(none.body.passkey.enabled).toBe(false);

    const key = authenticator({ ...u2fKey, attestation: 'fido-u2f', u2fAttestation: batch });
    await addPasskey(member, token, key).then((added) => expect(added.status).toBe(200));
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
    expect(login.body.method).toBe('passkey');
    const session = await secondFactor(
      login.body.challengeToken,
      key.assert(login.body.challenge.options),
    ).expect(200);
    expect(session.body.status).toBe('authenticated');
  });

  it('W1: ids sent with base64 padding (some encoders add it) name the same credential', async () => {
    const padded = <T extends { id: string; rawId: string }>(answer: T): T => ({
      ...answer,
      id: `${answer.id}=`,
      rawId: `${answer.rawId}=`,
    });
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    const key = authenticator();
    await addPasskey(member, token, key, {}, padded).then((added) =>
      expect(added.status).toBe(200),
    );
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
    const assertion = padded(key.assert(login.body.challenge.options));
    await secondFactor(login.body.challengeToken, assertion).expect(200);
  });

  it('W1: a registration from another origin or for another RP id answers 400 PASSKEY_REFUSED and adds nothing', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    for (const overrides of [
      { origin: 'https://evil.example.net' },
      { rpId: 'evil.example.net' },
    ]) {
      const refused = await addPasskey(member, token, authenticator(), overrides);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('PASSKEY_REFUSED');
    }
    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body.passkey).toEqual({ enabled: false, credentials: [] });
  });

  it('renames a passkey without the password; another user’s is not found', async () => {
    const { token, passkeyId } = await memberWithPasskey();
    const renamed = await t
      .as(token)
      .patch(`/api/me/two-factor/passkey/credentials/${passkeyId}`)
      .send({ name: 'Work laptop' })
      .expect(200);
    expect(renamed.body).toMatchObject({ id: passkeyId, name: 'Work laptop' });
    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body.passkey.credentials[0].name).toBe('Work laptop');

    const other = await memberWithPasskey();
    const foreign = await t
      .as(other.token)
      .patch(`/api/me/two-factor/passkey/credentials/${passkeyId}`)
      .send({ name: 'Mine now' });
    expect(foreign.status).toBe(404);
    const empty = await t
      .as(token)
      .patch(`/api/me/two-factor/passkey/credentials/${passkeyId}`)
      .send({ name: '' });
    expect(empty.status).toBe(400);
  });

  it('S2: after the password, login asks for the passkey first with options bound to the sign-in, and an assertion signs in', async () => {
    const { member, token, key } = await memberWithPasskey();
    await enableTotpMethod(t, member, token);
    const challenge = await startChallenge(t, member);
    expect(challenge.methods).toEqual(['passkey', 'totp']);
    expect(challenge.method).toBe('passkey');
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
    const options = login.body.challenge.options as PublicKeyCredentialRequestOptionsJSON;
    expect(options.allowCredentials?.map((credential) => credential.id)).toEqual([
      key.credentials[0].id,
    ]);
    const session = await secondFactor(login.body.challengeToken, key.assert(options)).expect(200);
    expect(session.body.status).toBe('authenticated');
    const status = await t.as(session.body.accessToken).get('/api/me/two-factor').expect(200);
    expect(status.body.passkey.credentials[0].lastUsedAt).not.toBeNull();
    expect(await auditOf(member.id)).toContainEqual({
      type: 'two_factor.succeeded',
      factor: 'passkey',
    });
  });

  it('W2: a replayed assertion, or one for another sign-in’s challenge, is refused', async () => {
    const { member, key } = await memberWithPasskey();
    const first = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password });
    const second = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password });
    // Signed over the first sign-in's challenge, sent to the second one.
    const forFirst = key.assert(first.body.challenge.options);
    const crossed = await secondFactor(second.body.challengeToken, forFirst);
    expect(crossed.status).toBe(401);
    expect(crossed.body.code).toBe('INVALID_CODE');

    await secondFactor(first.body.challengeToken, forFirst).expect(200);
    const again = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password });
    const replayed = await secondFactor(again.body.challengeToken, forFirst);
    expect(replayed.status).toBe(401);
  });

  it('W1: an assertion from another origin or for another RP id is refused', async () => {
    const { member, key } = await memberWithPasskey();
    for (const overrides of [
      { origin: 'https://evil.example.net' },
      { rpId: 'evil.example.net' },
    ]) {
      const login = await t.http
        .post('/api/auth/login')
        .send({ email: member.email, password: member.password });
      const refused = await secondFactor(
        login.body.challengeToken,
        key.assert(login.body.challenge.options, overrides),
      );
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('INVALID_CODE');
    }
  });

  it('W3: a counter going backwards is refused and audited as a refused replay', async () => {
    const { member, key } = await memberWithPasskey();
    const login = async () => {
      const answer = await t.http
        .post('/api/auth/login')
        .send({ email: member.email, password: member.password })
        .expect(200);
      return answer.body as {
        challengeToken: string;
        challenge: { options: PublicKeyCredentialRequestOptionsJSON };
      };
    };
    const first = await login();
    await secondFactor(
      first.challengeToken,
      key.assert(first.challenge.options, { counter: 5 }),
    ).expect(200);
    const second = await login();
    const cloned = await secondFactor(
      second.challengeToken,
      key.assert(second.challenge.options, { counter: 4 }),
    );
    expect(cloned.status).toBe(401);
    expect(await auditOf(member.id)).toContainEqual({
      type: 'two_factor.replay_refused',
      factor: 'passkey',
    });
  });

  it('W5: removing one passkey needs the password; the last one takes the method with it', async () => {
    const { member, token, passkeyId } = await memberWithPasskey();
    const second = (await addPasskey(member, token, authenticator())).body as { id: string };
    const remove = (id: string, password?: string) =>
      t.as(token).delete(`/api/me/two-factor/passkey/credentials/${id}`).send({ password });
    expect((await remove(passkeyId)).status).toBe(400);
    expect((await remove(passkeyId, 'wrong-password')).status).toBe(403);
    await remove(passkeyId, member.password).expect(204);
    expect((await remove(passkeyId, member.password)).status).toBe(404);
    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body.passkey.credentials.map((passkey: { id: string }) => passkey.id)).toEqual([
      second.id,
    ]);
    await remove(second.id, member.password).expect(204);
    const user = await t.as(adminToken).get(`/api/admin/users/${member.id}`).expect(200);
    expect(user.body.twoFactor).toEqual({ enabled: false, methods: [] });
  });

  it('A3: the users list’s 2FA column shows passkey, and an administrator’s reset removes every passkey', async () => {
    const { member, token, key } = await memberWithPasskey();
    await addPasskey(member, token, authenticator()).then((added) =>
      expect(added.status).toBe(200),
    );
    const column = async (): Promise<unknown> =>
      (await t.as(adminToken).get(`/api/admin/users/${member.id}`).expect(200)).body.twoFactor;
    expect(await column()).toEqual({ enabled: true, methods: ['passkey'] });
    const listed = await t.as(adminToken).get('/api/admin/users?twoFactor=enabled&limit=100');
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({
        id: member.id,
        twoFactor: { enabled: true, methods: ['passkey'] },
      }),
    );

    await t.as(adminToken).post(`/api/admin/users/${member.id}/two-factor/reset`).expect(204);
    expect(await column()).toEqual({ enabled: false, methods: [] });
    const session = await signIn(t, member);
    const status = await t.as(session.accessToken).get('/api/me/two-factor').expect(200);
    expect(status.body.passkey).toEqual({ enabled: false, credentials: [] });
    const passwordless = await t.http
      .post('/api/auth/passkey/verify')
      .send({ response: key.assert(await passwordlessOptions()) });
    expect(passwordless.status).toBe(401);
  });

  it('W4: signs in without a password when the passkey verified the user, answering a login’s session', async () => {
    const { member, key } = await memberWithPasskey();
    const options = await passwordlessOptions();
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials).toBeUndefined();
    const session = await t.http
      .post('/api/auth/passkey/verify')
      .send({ response: key.assert(options), rememberDevice: true })
      .expect(200);
    expect(session.body).toMatchObject({
      status: 'authenticated',
      deviceToken: expect.any(String),
    });
    const me = await t.as(session.body.accessToken).get('/api/me').expect(200);
    expect(me.body.email).toBe(member.email);
    expect(await auditOf(member.id)).toContainEqual({ type: 'login.succeeded', factor: 'passkey' });
  });

  it('W4/P3: a disabled user’s passkey sign-in is refused with INVALID_CREDENTIALS and audited', async () => {
    const { member, key } = await memberWithPasskey();
    const adminWithApp = await userWithMethods(t, ['totp'], {
      accountId: admin.accountId,
      role: 'admin',
    });
    const { accessToken } = await signInWithApp(t, adminWithApp.user, adminWithApp.secret);
    await t.as(accessToken).post(`/api/admin/users/${member.id}/disable`).expect(200);
    const refused = await t.http
      .post('/api/auth/passkey/verify')
      .send({ response: key.assert(await passwordlessOptions()) });
    expect([refused.status, refused.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect(await auditOf(member.id)).toContainEqual({ type: 'login.failed', factor: 'passkey' });
  });

  it('W4: without user verification a passwordless sign-in is refused and audited', async () => {
    const { member, key } = await memberWithPasskey();
    const refused = await t.http
      .post('/api/auth/passkey/verify')
      .send({ response: key.assert(await passwordlessOptions(), { userVerified: false }) });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('INVALID_CREDENTIALS');
    expect(await auditOf(member.id)).toContainEqual({
      type: 'two_factor.failed',
      factor: 'passkey',
    });
    const replayedOptions = await passwordlessOptions();
    const assertion = key.assert(replayedOptions);
    await t.http.post('/api/auth/passkey/verify').send({ response: assertion }).expect(200);
    const replayed = await t.http.post('/api/auth/passkey/verify').send({ response: assertion });
    expect(replayed.status).toBe(401);
  });

  it('I1: a malformed or missing passwordless answer gets a 4xx with a code, never a session', async () => {
    const malformed = await t.http.post('/api/auth/passkey/verify').send({ response: { id: 1 } });
    expect(malformed.status).toBe(401);
    expect(malformed.body.code).toBe('INVALID_CREDENTIALS');
    const missing = await t.http.post('/api/auth/passkey/verify').send({});
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
  });

  it('A1: a passkey meets a mandatory policy, as the second factor and alone', async () => {
    const account = await createAccountWithUser(t, 'admin');
    const secret = await enableTotpMethod(t, account, (await signIn(t, account)).accessToken);
    const accountAdmin = (await signInWithApp(t, account, secret)).accessToken;
    const member = await createUser(t, account.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    const key = authenticator();
    expect((await addPasskey(member, token, key)).status).toBe(200);
    await t.as(accountAdmin).put('/api/admin/policy').send({ twoFactorRequired: true }).expect(200);

    const challenge = await startChallenge(t, member);
    expect(challenge.methods).toEqual(['passkey']);
    const session = await t.http
      .post('/api/auth/passkey/verify')
      .send({ response: key.assert(await passwordlessOptions()) })
      .expect(200);
    await t.as(session.body.accessToken).get('/api/me/two-factor').expect(200);
  });

  it('W4: an account can turn passwordless sign-in off; its passkeys still serve as the second factor', async () => {
    const account = await createAccountWithUser(t, 'admin');
    const secret = await enableTotpMethod(t, account, (await signIn(t, account)).accessToken);
    const accountAdmin = (await signInWithApp(t, account, secret)).accessToken;
    const member = await createUser(t, account.accountId, 'member');
    const key = authenticator();
    expect((await addPasskey(member, (await signIn(t, member)).accessToken, key)).status).toBe(200);
    const policy = await t
      .as(accountAdmin)
      .put('/api/admin/policy')
      .send({ twoFactorRequired: false, passwordlessSignIn: false })
      .expect(200);
    expect(policy.body).toMatchObject({ twoFactorRequired: false, passwordlessSignIn: false });

    const refused = await t.http
      .post('/api/auth/passkey/verify')
      .send({ response: key.assert(await passwordlessOptions()) });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('INVALID_CREDENTIALS');
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
    await secondFactor(login.body.challengeToken, key.assert(login.body.challenge.options)).expect(
      200,
    );
    // Left out, the switch keeps its value.
    const kept = await t
      .as(accountAdmin)
      .put('/api/admin/policy')
      .send({ twoFactorRequired: true })
      .expect(200);
    expect(kept.body.passwordlessSignIn).toBe(false);
  });

  (onMariaDb ? it : it.skip)(
    'B6: one passwordless assertion sent 10 times in parallel signs in once (MariaDB)',
    async () => {
      const { key } = await memberWithPasskey();
      const response = key.assert(await passwordlessOptions());
      const run = await inParallel(
        Array.from(
          { length: 10 },
          () => () => t.http.post('/api/auth/passkey/verify').send({ response }),
        ),
      );
      expect(run.maxInFlight).toBeGreaterThan(1);
      expect(statusCounts(run.responses)).toEqual({ 200: 1, 401: 9 });
    },
  );
});

describe('Passkeys without a relying party', () => {
  it('W1: PUBLIC_URL on an IP address and no WEBAUTHN_*: passkeys are not offered, and the start warns once', async () => {
    const t = await startTestApp({ PUBLIC_URL: 'http://192.0.2.10:3000' });
    try {
      const warnings = t.logs.lines.filter((line) => line.includes('Passkeys are off'));
      expect(warnings).toHaveLength(1);
      const member = await createAccountWithUser(t, 'member');
      const token = (await signIn(t, member)).accessToken;
      const status = await t.as(token).get('/api/me/two-factor').expect(200);
      expect(status.body.passkey).toBeUndefined();
      const begin = await t
        .as(token)
        .post('/api/me/two-factor/passkey')
        .send({ password: member.password });
      expect(begin.status).toBe(404);
      expect((await t.http.post('/api/auth/passkey/options')).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe('Passkeys turned off while users hold them', () => {
  it('W1: a login whose last method was a passkey offers the other methods, or a recovery code, never a 404 or 500', async () => {
    const secrets = { JWT_SECRET: secret32(), ENCRYPTION_KEY: secret32() };
    const on = await startTestApp({ ...secrets, PUBLIC_URL: ORIGIN });
    const database = on.config.database;
    // The same database and secrets, restarted without a relying party (PUBLIC_URL on an IP).
    const off = await startTestApp({ ...secrets, PUBLIC_URL: 'http://192.0.2.10:3000' }, () =>
      database.kind === 'sqlite' ? `sqlite:${database.url}` : database.url,
    );
    try {
      const admin = await createAccountWithUser(on, 'admin');
      const withEmail = await createUser(on, admin.accountId, 'member');
      const onlyPasskey = await createUser(on, admin.accountId, 'member');
      const address = `codes-${withEmail.id.slice(0, 8)}@example.org`;
      const emailToken = (await signIn(on, withEmail)).accessToken;
      await enableEmailMethod(on, withEmail, emailToken, address);
      const passkeyToken = (await signIn(on, onlyPasskey)).accessToken;
      for (const [user, token] of [
        [withEmail, emailToken],
        [onlyPasskey, passkeyToken],
      ] as const) {
        const key = new SoftwareAuthenticator({ origin: ORIGIN });
        const begun = await on
          .as(token)
          .post('/api/me/two-factor/passkey')
          .send({ password: user.password })
          .expect(200);
        await on
          .as(token)
          .post('/api/me/two-factor/passkey/confirm')
          .send({ response: key.register(begun.body.options) })
          .expect(200);
        // The passkey is what these users signed in with last.
        const login = await on.http
          .post('/api/auth/login')
          .send({ email: user.email, password: user.password })
          .expect(200);
        expect(login.body.method).toBe('passkey');
        await on.http
          .post('/api/auth/two-factor/verify')
          .send({
            challengeToken: login.body.challengeToken,
            response: key.assert(login.body.challenge.options),
          })
          .expect(200);
      }
      const recovery = await on
        .as(passkeyToken)
        .post('/api/me/recovery-codes')
        .send({ password: onlyPasskey.password })
        .expect(200);

      const emailLogin = await startChallenge(off, withEmail);
      expect(emailLogin).toMatchObject({ method: 'email', methods: ['email'] });
      const emailSession = await off.http
        .post('/api/auth/two-factor/verify')
        .send({
          challengeToken: emailLogin.challengeToken,
          code: off.mail.latestCodeFor(address),
        })
        .expect(200);
      const switched = await off.http.post('/api/auth/two-factor/method').send({
        challengeToken: (await startChallenge(off, withEmail)).challengeToken,
        method: 'passkey',
      });
      expect(switched.status).toBe(400);
      expect(switched.body.code).toBe('VALIDATION_FAILED');

      // The pages ask the same: a recovery code, with nothing else to choose.
      const pages = request.agent(off.app.getHttpServer());
      const form = await pages.get('/').expect(200);
      await pages
        .post('/sign-in')
        .type('form')
        .send({
          _csrf: csrfOf(form.text),
          email: onlyPasskey.email,
          password: onlyPasskey.password,
        })
        .expect(303);
      expect((await pages.get('/').expect(200)).text).toContain('<label for="code">Recovery code');

      const recoveryLogin = await startChallenge(off, onlyPasskey);
      expect(recoveryLogin).toMatchObject({ method: 'recovery', methods: [] });
      const wrong = await off.http
        .post('/api/auth/two-factor/verify')
        .send({ challengeToken: recoveryLogin.challengeToken, code: '123456' });
      expect(wrong.status).toBeLessThan(500);
      expect(wrong.body.code).toEqual(expect.any(String));
      await off.http
        .post('/api/auth/two-factor/verify')
        .send({
          challengeToken: recoveryLogin.challengeToken,
          method: 'recovery',
          code: (recovery.body.codes as string[])[0],
        })
        .expect(200);

      // Changing methods while passkeys are off keeps the passkey the user holds in force...
      const users = off.app.get(DataSource).getRepository(User);
      await off
        .as(emailSession.body.accessToken)
        .delete('/api/me/two-factor/email')
        .send({ password: withEmail.password })
        .expect(204);
      expect((await users.findOneByOrFail({ id: withEmail.id })).twoFactorMethods).toEqual([
        'passkey',
      ]);
      // ...and an administrator's reset removes it, as every other method.
      const resetter = await userWithMethods(off, ['totp'], {
        accountId: admin.accountId,
        role: 'admin',
      });
      const adminSession = await signInWithApp(off, resetter.user, resetter.secret);
      await off
        .as(adminSession.accessToken)
        .post(`/api/admin/users/${onlyPasskey.id}/two-factor/reset`)
        .expect(204);
      const passkeys = off.app.get(DataSource).getRepository(PasskeyCredential);
      expect(await passkeys.countBy({ userId: onlyPasskey.id })).toBe(0);
      expect((await users.findOneByOrFail({ id: onlyPasskey.id })).twoFactorMethods).toEqual([]);
    } finally {
      await off.close();
      await on.close();
    }
  });
});
