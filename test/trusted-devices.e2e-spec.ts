import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { TrustedDevice } from 'src/devices/trusted-device.entity';
import type { TestUser } from './support/factories';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import { nextTotpStep, startChallenge, userWithMethods } from './support/two-factor';

const DAY = 24 * 60 * 60 * 1000;
const FIREFOX_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0';

describe('Trusted devices', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const now = () => t.clock.now().getTime();

  const userWithApp = () => userWithMethods(t, ['totp']);

  /** Passes the challenge with "don't ask me again on this device". */
  async function remember(user: TestUser, secret: string, body: Record<string, unknown> = {}) {
    const { challengeToken } = await startChallenge(t, user);
    const response = await t.http
      .post('/api/auth/two-factor/verify')
      .set('User-Agent', FIREFOX_MAC)
      .send({ challengeToken, code: totpCode(secret, now()), rememberDevice: true, ...body })
      .expect(200);
    nextTotpStep(t);
    return response;
  }

  const login = (user: TestUser, extra: { deviceToken?: string; cookie?: string } = {}) => {
    const request = t.http.post('/api/auth/login');
    if (extra.cookie) request.set('Cookie', extra.cookie);
    return request.send({
      email: user.email,
      password: user.password,
      ...(extra.deviceToken && { deviceToken: extra.deviceToken }),
    });
  };

  it('D2: remembering answers a device token (D1) and sets the gk_device cookie; then login skips the second factor', async () => {
    const { user, secret } = await userWithApp();
    const verified = await remember(user, secret);
    const deviceToken = verified.body.deviceToken as string;
    expect(Buffer.from(deviceToken, 'base64url')).toHaveLength(32);

    const cookie = ([] as string[])
      .concat(verified.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('gk_device='));
    expect(cookie).toBeDefined();
    expect(cookie).toContain(`gk_device=${deviceToken}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/auth/i);

    // D1: stored only as a hash.
    const stored = await t.app
      .get(DataSource)
      .getRepository(TrustedDevice)
      .findOneByOrFail({ userId: user.id });
    expect(stored.tokenHash).not.toContain(deviceToken);
    expect(stored.name).toBe('Firefox on macOS');

    const byBody = await login(user, { deviceToken }).expect(200);
    expect(byBody.body.status).toBe('authenticated');
    const byCookie = await login(user, { cookie: `gk_device=${deviceToken}` }).expect(200);
    expect(byCookie.body.status).toBe('authenticated');
    // L3: the user was told a device was remembered.
    await t.mail.waitFor(
      (mail) => mail.to.includes(user.email) && /remembered/i.test(mail.subject),
    );
  });

  it('D5: the password is always required, device or not', async () => {
    const { user, secret } = await userWithApp();
    const { deviceToken } = (await remember(user, secret)).body as { deviceToken: string };
    for (const password of ['wrong-password-1', '']) {
      const response = await t.http
        .post('/api/auth/login')
        .set('Cookie', `gk_device=${deviceToken}`)
        .send({ email: user.email, password, deviceToken });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.body).not.toHaveProperty('accessToken');
    }
  });

  it('D1: a device is accepted at 29 days 23 hours and refused at 30 days 1 minute, never extended by use', async () => {
    const { user, secret } = await userWithApp();
    const { deviceToken } = (await remember(user, secret)).body as { deviceToken: string };
    t.clock.advance(29 * DAY + 23 * 60 * 60 * 1000);
    expect((await login(user, { deviceToken }).expect(200)).body.status).toBe('authenticated');
    t.clock.advance(61 * 60 * 1000);
    const expired = await login(user, { deviceToken }).expect(200);
    expect(expired.body.status).toBe('two_factor_required');
  });

  it("D3: one user's device token never spares another user the second factor", async () => {
    const alice = await userWithApp();
    const bob = await userWithApp();
    const { deviceToken } = (await remember(alice.user, alice.secret)).body as {
      deviceToken: string;
    };
    const asBob = await login(bob.user, { deviceToken }).expect(200);
    expect(asBob.body.status).toBe('two_factor_required');
  });

  it('lists the devices, marks the current one, and removes one (D4)', async () => {
    const { user, secret } = await userWithApp();
    const laptop = await remember(user, secret, { deviceName: 'Work laptop' });
    await remember(user, secret);
    const token = laptop.body.accessToken as string;

    const list = await t.as(token).get('/api/me/trusted-devices').expect(200);
    expect(list.body).toHaveLength(2);
    const current = list.body.find((device: { current: boolean }) => device.current);
    expect(current).toMatchObject({ name: 'Work laptop' });
    expect(new Date(current.expiresAt).getTime() - new Date(current.createdAt).getTime()).toBe(
      30 * DAY,
    );
    expect(list.body.filter((device: { current: boolean }) => device.current)).toHaveLength(1);

    await t.as(token).delete(`/api/me/trusted-devices/${current.id}`).expect(204);
    const again = await login(user, { deviceToken: laptop.body.deviceToken }).expect(200);
    expect(again.body.status).toBe('two_factor_required');
    const missing = await t.as(token).delete(`/api/me/trusted-devices/${current.id}`);
    expect(missing.status).toBe(404);

    const types = (
      await t.app.get(DataSource).getRepository(AuditEvent).findBy({ userId: user.id })
    ).map((e) => e.type);
    expect(types).toContain('trusted_device.added');
    expect(types).toContain('trusted_device.removed');
  });

  it("another user's device cannot be removed (404)", async () => {
    const alice = await userWithApp();
    const bob = await userWithApp();
    await remember(alice.user, alice.secret);
    const [aliceDevice] = await t.app
      .get(DataSource)
      .getRepository(TrustedDevice)
      .findBy({ userId: alice.user.id });
    const bobSession = await remember(bob.user, bob.secret);
    const response = await t
      .as(bobSession.body.accessToken as string)
      .delete(`/api/me/trusted-devices/${aliceDevice.id}`);
    expect(response.status).toBe(404);
  });

  it('D4: logout-everywhere revokes every trusted device', async () => {
    const { user, secret } = await userWithApp();
    const session = await remember(user, secret);
    await t
      .as(session.body.accessToken as string)
      .post('/api/auth/logout-all')
      .expect(204);
    expect(
      (await login(user, { deviceToken: session.body.deviceToken }).expect(200)).body.status,
    ).toBe('two_factor_required');
  });

  it('D4: removing all methods revokes every trusted device', async () => {
    const { user, secret } = await userWithApp();
    const session = await remember(user, secret);
    await t
      .as(session.body.accessToken as string)
      .delete('/api/me/two-factor/totp')
      .send({ password: user.password })
      .expect(204);
    expect(
      await t.app.get(DataSource).getRepository(TrustedDevice).countBy({ userId: user.id }),
    ).toBe(0);
  });

  it('D4/S4: a password change revokes devices and other sessions, and the caller carries on after a refresh', async () => {
    const { user, secret } = await userWithApp();
    const caller = await remember(user, secret);
    const { challengeToken } = await startChallenge(t, user);
    const other = await t.http
      .post('/api/auth/two-factor/verify')
      .send({ challengeToken, code: totpCode(secret, now()) })
      .expect(200);

    await t
      .as(caller.body.accessToken as string)
      .post('/api/me/password')
      .send({ currentPassword: user.password, newPassword: 'a-brand-new-password' })
      .expect(204);

    expect(
      (await t.http.post('/api/auth/refresh').send({ refreshToken: other.body.refreshToken }))
        .status,
    ).toBe(401);
    expect((await t.as(other.body.accessToken as string).get('/api/me')).status).toBe(401);
    const carriedOn = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: caller.body.refreshToken })
      .expect(200);
    await t
      .as(carriedOn.body.accessToken as string)
      .get('/api/me')
      .expect(200);
    expect(
      await t.app.get(DataSource).getRepository(TrustedDevice).countBy({ userId: user.id }),
    ).toBe(0);

    const oldPassword = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password });
    expect(oldPassword.body.code).toBe('INVALID_CREDENTIALS');
    const wrongCurrent = await t
      .as(carriedOn.body.accessToken as string)
      .post('/api/me/password')
      .send({ currentPassword: 'not-the-password', newPassword: 'another-new-password' });
    expect(wrongCurrent.status).toBe(403);
    expect(wrongCurrent.body.code).toBe('INVALID_PASSWORD');
  });
});
