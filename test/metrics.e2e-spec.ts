import { randomBytes } from 'node:crypto';
import { MetricsService } from 'src/metrics/metrics.service';
import { createAccountWithUser, signIn } from './support/factories';
import { totpCode } from './support/independent-totp';
import { startTestApp, type TestApp } from './support/test-app';
import { signInWithApp, startChallenge, userWithMethods } from './support/two-factor';

const TOKEN = randomBytes(32).toString('hex');

/** The value of one series in Prometheus's text format, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics (Prometheus)', () => {
  describe('on the app port, behind METRICS_TOKEN', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ METRICS_TOKEN: TOKEN });
    });
    afterAll(() => t.close());

    it('refuses an anonymous caller and a wrong token with 401, showing nothing', async () => {
      for (const authorization of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, TOKEN]) {
        const request = t.http.get('/metrics');
        if (authorization) request.set('Authorization', authorization);
        const response = await request.expect(401);
        expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
        expect(response.text).not.toContain('gatekeeper_');
      }
    });

    it('after a sign-in with a second factor, shows the auth counters, request durations and process metrics', async () => {
      const { user, secret, address } = await userWithMethods(t, ['totp', 'email']);
      await signInWithApp(t, user, secret);
      await t.http
        .post('/api/auth/login')
        .send({ email: user.email, password: 'not-the-password' })
        .expect(401);
      // A wrong code, then a login code by email, then a recovery code.
      const { challengeToken } = await startChallenge(t, user);
      await t.http
        .post('/api/auth/two-factor/verify')
        .send({ challengeToken, code: totpCode(secret, t.clock.now().getTime() + 300_000) })
        .expect(401);
      await t.http
        .post('/api/auth/two-factor/method')
        .send({ challengeToken, method: 'email' })
        .expect(200);
      await t.mail.waitFor(
        (mail) => mail.to.includes(address) && /sign-in code/.test(mail.subject),
      );
      const { accessToken } = await signInWithApp(t, user, secret);
      const codes = await t
        .as(accessToken)
        .post('/api/me/recovery-codes')
        .send({ password: user.password })
        .expect(200);
      const recovery = await startChallenge(t, user);
      await t.http
        .post('/api/auth/two-factor/verify')
        .send({
          challengeToken: recovery.challengeToken,
          method: 'recovery',
          code: (codes.body.codes as string[])[0],
        })
        .expect(200);
      // An administrator (who passed a second factor) resets the user's methods.
      const admin = await userWithMethods(t, ['totp'], {
        accountId: user.accountId,
        role: 'admin',
      });
      const adminSession = await signInWithApp(t, admin.user, admin.secret);
      await t
        .as(adminSession.accessToken)
        .post(`/api/admin/users/${user.id}/two-factor/reset`)
        .expect(204);

      const response = await t.http
        .get('/metrics')
        .set('Authorization', `Bearer ${TOKEN}`)
        .expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      const text = response.text;
      // Each login above: the user's 2 enabling sessions, 4 challenges, the admin's 2.
      expect(sample(text, 'gatekeeper_login_total{result="succeeded"}')).toBeGreaterThanOrEqual(6);
      expect(sample(text, 'gatekeeper_login_total{result="failed"}')).toBe(1);
      expect(sample(text, 'gatekeeper_second_factor_total{method="totp",result="succeeded"}')).toBe(
        3,
      );
      expect(sample(text, 'gatekeeper_second_factor_total{method="totp",result="failed"}')).toBe(1);
      expect(
        sample(text, 'gatekeeper_second_factor_total{method="recovery",result="succeeded"}'),
      ).toBe(1);
      expect(sample(text, 'gatekeeper_recovery_codes_used_total')).toBe(1);
      // The address's confirmation code, then the login code.
      expect(sample(text, 'gatekeeper_codes_sent_total{channel="email"}')).toBe(2);
      expect(sample(text, 'gatekeeper_admin_resets_total')).toBe(1);
      expect(sample(text, 'gatekeeper_lockouts_total')).toBe(0);
      expect(
        sample(
          text,
          'gatekeeper_http_request_duration_seconds_count{method="POST",route="/api/auth/login",status="200"}',
        ),
      ).toBeGreaterThanOrEqual(6);
      // A path a caller made up is never a label.
      await t.http.get('/api/made-up-path-7f3a').expect(404);
      const after = await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect(after.text).not.toContain('made-up-path-7f3a');
      expect(after.text).toMatch(/route="unmatched",status="404"/);
      expect(text).toMatch(/^process_cpu_user_seconds_total /m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    });
  });

  it('without METRICS_TOKEN or METRICS_PORT, there is no /metrics at all', async () => {
    const t = await startTestApp();
    try {
      await t.http.get('/metrics').expect(404);
    } finally {
      await t.close();
    }
  });

  it('METRICS_PORT serves /metrics on a port of its own, never on the public one', async () => {
    const t = await startTestApp({ METRICS_PORT: '0' });
    try {
      const user = await createAccountWithUser(t, 'member');
      await signIn(t, user);
      await t.http.get('/metrics').expect(404);
      const { port } = t.app.get(MetricsService).address!;
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(sample(await response.text(), 'gatekeeper_login_total{result="succeeded"}')).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
