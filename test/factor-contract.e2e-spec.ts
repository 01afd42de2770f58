import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { createAccountWithUser, createUser, signIn, type TestUser } from './support/factories';
import { FakeFactorService } from './support/fake-factor/fake-factor.service';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import { enableTotpMethod, signInWithApp, startChallenge } from './support/two-factor';

/**
 * A new method is one folder and one registration: a fourth method that exists only in
 * test/support/fake-factor/, registered through the real Nest module's extension point
 * (TwoFactorModule.withExtraFactors), is set up, asked at login, switched to, verified, shown
 * in the status map and the users list, removed credential by credential, and reset, with no
 * line of the product naming it.
 */
describe('The second-factor contract, with a fake fourth method', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp({}, undefined, { extraFactors: [FakeFactorService] });
    admin = await createAccountWithUser(t, 'admin');
    const secret = await enableTotpMethod(t, admin, (await signIn(t, admin)).accessToken);
    adminToken = (await signInWithApp(t, admin, secret)).accessToken;
  });
  afterAll(() => t.close());

  /** The fake authenticator: it answers a challenge by echoing it, as a key signs one. */
  async function addFakeKey(user: TestUser, token: string, name: string): Promise<string> {
    const options = await t
      .as(token)
      .post('/api/me/two-factor/fake-otp')
      .send({ password: user.password, name })
      .expect(200);
    const confirmed = await t
      .as(token)
      .post('/api/me/two-factor/fake-otp/confirm')
      .send({ response: { challenge: options.body.challenge } })
      .expect(200);
    return confirmed.body.credentialId as string;
  }

  const verify = (body: object) => t.http.post('/api/auth/two-factor/verify').send(body);

  async function memberWithAppAndFakeKeys() {
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    const secret = await enableTotpMethod(t, member, token);
    const first = await addFakeKey(member, token, 'Desk key');
    const second = await addFakeKey(member, token, 'Travel key');
    return { member, token, secret, keys: [first, second] };
  }

  it('sets it up through the generic routes, with the method’s own payloads and status code', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    const credentialId = await addFakeKey(member, token, 'Desk key');

    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body['fake-otp']).toEqual({
      enabled: true,
      credentials: [
        { id: credentialId, name: 'Desk key', createdAt: expect.any(String), lastUsedAt: null },
      ],
    });
    // The built-in methods keep their entries, under the same names as before.
    expect(status.body.totp).toEqual({ enabled: false, configuredAt: null });
    expect(status.body.email).toEqual({ enabled: false, address: null, pendingAddress: null });

    const audit = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .findOneByOrFail({ userId: member.id, type: 'two_factor.method_enabled' });
    expect(audit.factor).toBe('fake-otp');
    const mail = await t.mail.waitFor(
      (sent) => sent.to.includes(member.email) && /turned on/.test(sent.subject),
    );
    expect(mail.text).toContain('fake keys');
  });

  it('I1: refuses the method’s bad payloads with 400 and an unknown method with 404, changing nothing', async () => {
    const member = await createUser(t, admin.accountId, 'member');
    const token = (await signIn(t, member)).accessToken;
    for (const body of [
      { password: member.password },
      { password: member.password, name: 'two\nlines' },
      { password: member.password, name: 'Key', code: '123456' },
    ]) {
      const response = await t.as(token).post('/api/me/two-factor/fake-otp').send(body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    for (const body of [{ code: '123456' }, { response: 'x' }, { response: { challenge: 7 } }]) {
      const response = await t.as(token).post('/api/me/two-factor/fake-otp/confirm').send(body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    for (const [verb, path] of [
      ['post', '/api/me/two-factor/sms'],
      ['post', '/api/me/two-factor/sms/confirm'],
      ['delete', '/api/me/two-factor/sms'],
      ['post', '/api/me/two-factor/totp/resend'],
      ['delete', '/api/me/two-factor/totp/credentials/anything'],
    ] as const) {
      const response = await t.as(token)[verb](path).send({ password: member.password });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
    }
    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body['fake-otp']).toEqual({ enabled: false, credentials: [] });
  });

  it('is asked at login, switched to, and verified with a JSON response bound to the challenge', async () => {
    const { member, secret, keys } = await memberWithAppAndFakeKeys();

    const challenge = await startChallenge(t, member);
    expect(challenge.methods).toEqual(['totp', 'fake-otp']);
    expect(challenge.method).toBe('totp');

    const switched = await t.http
      .post('/api/auth/two-factor/method')
      .send({ challengeToken: challenge.challengeToken, method: 'fake-otp' })
      .expect(200);
    expect(switched.body).toEqual({
      method: 'fake-otp',
      challenge: {
        options: { challenge: expect.any(String), allowCredentials: expect.any(Array) },
      },
    });
    expect(switched.body.challenge.options.allowCredentials.sort()).toEqual([...keys].sort());
    expect(switched.body.emailHint).toBeUndefined();
    const options = switched.body.challenge.options as { challenge: string };

    // A code is not this method's answer: 400 before any attempt is taken.
    const asCode = await verify({ challengeToken: challenge.challengeToken, code: '123456' });
    expect(asCode.status).toBe(400);
    expect(asCode.body.code).toBe('VALIDATION_FAILED');
    const wrong = await verify({
      challengeToken: challenge.challengeToken,
      response: { credentialId: keys[1], challenge: 'not-the-challenge' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CODE');
    await verify({
      challengeToken: challenge.challengeToken,
      response: { credentialId: keys[1], challenge: options.challenge },
    }).expect(200);

    // Last used first at the next login, with its options in `challenge`.
    const next = await startChallenge(t, member);
    expect(next.method).toBe('fake-otp');
    const nextOptions = (next as unknown as { challenge: { options: { challenge: string } } })
      .challenge.options;
    expect(nextOptions.challenge).not.toBe(options.challenge);
    const status = await t
      .as(
        (
          await verify({
            challengeToken: next.challengeToken,
            response: { credentialId: keys[0], challenge: nextOptions.challenge },
          }).expect(200)
        ).body.accessToken as string,
      )
      .get('/api/me/two-factor')
      .expect(200);
    expect(status.body.lastUsedMethod).toBe('fake-otp');
    const used = (status.body['fake-otp'] as { credentials: { lastUsedAt: string | null }[] })
      .credentials;
    expect(used.every((credential) => credential.lastUsedAt !== null)).toBe(true);

    // The other method still works alongside.
    t.clock.advance(30_000);
    const again = await startChallenge(t, member);
    await t.http
      .post('/api/auth/two-factor/method')
      .send({ challengeToken: again.challengeToken, method: 'totp' })
      .expect(200);
    await verify({
      challengeToken: again.challengeToken,
      code: totpCode(secret, t.clock.now().getTime()),
    }).expect(200);
  });

  it('shows in the users list’s 2FA column, and goes credential by credential, then whole', async () => {
    const { member, token, keys } = await memberWithAppAndFakeKeys();
    const column = async (): Promise<unknown> =>
      (await t.as(adminToken).get(`/api/admin/users/${member.id}`).expect(200)).body.twoFactor;
    expect(await column()).toEqual({ enabled: true, methods: ['totp', 'fake-otp'] });

    const removeKey = (id: string) =>
      t
        .as(token)
        .delete(`/api/me/two-factor/fake-otp/credentials/${id}`)
        .send({ password: member.password });
    await removeKey(keys[0]).expect(204);
    expect((await removeKey(keys[0])).status).toBe(404);
    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body['fake-otp'].credentials.map((key: { id: string }) => key.id)).toEqual([
      keys[1],
    ]);
    expect(await column()).toEqual({ enabled: true, methods: ['totp', 'fake-otp'] });

    // The last credential takes the method with it.
    await removeKey(keys[1]).expect(204);
    expect(await column()).toEqual({ enabled: true, methods: ['totp'] });
    const mail = await t.mail.waitFor(
      (sent) => sent.to.includes(member.email) && /removed/.test(sent.subject),
    );
    expect(mail.text).toContain('fake keys');

    await addFakeKey(member, token, 'New key');
    expect(await column()).toEqual({ enabled: true, methods: ['totp', 'fake-otp'] });
    await t
      .as(token)
      .delete('/api/me/two-factor/fake-otp')
      .send({ password: member.password })
      .expect(204);
    expect(await column()).toEqual({ enabled: true, methods: ['totp'] });
    const listed = await t.as(adminToken).get('/api/admin/users?twoFactor=enabled&limit=100');
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(member.id);
  });

  it('A1: is the last method under a mandatory policy until another is set up', async () => {
    const account = await createAccountWithUser(t, 'admin');
    const accountAdminSecret = await enableTotpMethod(
      t,
      account,
      (await signIn(t, account)).accessToken,
    );
    const accountAdmin = (await signInWithApp(t, account, accountAdminSecret)).accessToken;
    await t.as(accountAdmin).put('/api/admin/policy').send({ twoFactorRequired: true }).expect(200);

    const member = await createUser(t, account.accountId, 'member');
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
    expect(login.body.status).toBe('two_factor_setup_required');
    expect(login.body.methods).toEqual(['email', 'fake-otp', 'passkey', 'totp']);
    // The setup token sets it up without the password, and its confirm answers the session.
    const setupToken = login.body.setupToken as string;
    const options = await t
      .as(setupToken)
      .post('/api/me/two-factor/fake-otp')
      .send({ name: 'Only key' })
      .expect(200);
    const session = await t
      .as(setupToken)
      .post('/api/me/two-factor/fake-otp/confirm')
      .send({ response: { challenge: options.body.challenge } })
      .expect(200);
    expect(session.body.status).toBe('authenticated');
    const token = session.body.accessToken as string;

    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    const [key] = status.body['fake-otp'].credentials as { id: string }[];
    const last = await t
      .as(token)
      .delete(`/api/me/two-factor/fake-otp/credentials/${key.id}`)
      .send({ password: member.password });
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('LAST_METHOD_REQUIRED');
    const whole = await t
      .as(token)
      .delete('/api/me/two-factor/fake-otp')
      .send({ password: member.password });
    expect(whole.status).toBe(409);
    const after = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(after.body['fake-otp'].credentials).toHaveLength(1);
  });

  it('A3: an administrator’s reset takes it with the rest', async () => {
    const { member } = await memberWithAppAndFakeKeys();
    await t.as(adminToken).post(`/api/admin/users/${member.id}/two-factor/reset`).expect(204);
    const row = await t.as(adminToken).get(`/api/admin/users/${member.id}`).expect(200);
    expect(row.body.twoFactor).toEqual({ enabled: false, methods: [] });
    const session = await signIn(t, member);
    expect(session.status).toBe('authenticated');
    const status = await t.as(session.accessToken).get('/api/me/two-factor').expect(200);
    expect(status.body['fake-otp']).toEqual({ enabled: false, credentials: [] });
  });
});
