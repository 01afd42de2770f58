import { createAccountWithUser, signIn } from './support/factories';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import {
  enableEmailMethod,
  enableTotpMethod,
  nextTotpStep,
  startChallenge,
} from './support/two-factor';

describe('Logs', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Production: mails go to SMTP and their bodies are never logged.
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('L2: requests are logged, but never a password, code, secret, recovery code or token', async () => {
    const user = await createAccountWithUser(t, 'member');
    const session = await signIn(t, user);
    const secret = await enableTotpMethod(t, user, session.accessToken);
    await enableEmailMethod(t, user, session.accessToken, 'logged@example.org');
    const emailCode = t.mail.latestCodeFor('logged@example.org');
    const recovery = await t
      .as(session.accessToken)
      .post('/api/me/recovery-codes')
      .send({ password: user.password })
      .expect(200);
    nextTotpStep(t);
    const { challengeToken } = await startChallenge(t, user);
    const totp = totpCode(secret, t.clock.now().getTime());
    const verified = await t.http
      .post(`/api/auth/two-factor/verify?token=${challengeToken}`)
      .send({ challengeToken, code: totp, rememberDevice: true })
      .expect(200);
    await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: 'a-wrong-password' })
      .expect(401);

    const logs = t.logs.text();
    expect(logs).toMatch(/POST \/api\/auth\/login 200/);
    expect(logs).toMatch(/POST \/api\/auth\/two-factor\/verify 200/);
    const secrets = [
      user.password,
      'a-wrong-password',
      secret,
      totp,
      emailCode,
      ...(recovery.body.codes as string[]),
      session.accessToken,
      session.refreshToken,
      challengeToken,
      verified.body.deviceToken as string,
      verified.body.refreshToken as string,
    ];
    for (const value of secrets) expect(logs).not.toContain(value);
  });
});
