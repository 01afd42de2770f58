import { DataSource, IsNull, Not } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { RecoveryCode } from 'src/two-factor/recovery/recovery-code.entity';
import { AttemptCounter } from 'src/rate-limit/attempt-counter.entity';
import { createAccountWithUser, signIn, type TestUser } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { inParallel } from './support/parallel';
import { enableTotpMethod, signInWithApp, startChallenge } from './support/two-factor';

describe('Recovery codes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function userWithCodes(): Promise<{ user: TestUser; token: string; codes: string[] }> {
    const user = await createAccountWithUser(t, 'member');
    const secret = await enableTotpMethod(t, user, (await signIn(t, user)).accessToken);
    const { accessToken } = await signInWithApp(t, user, secret);
    const response = await t
      .as(accessToken)
      .post('/api/me/recovery-codes')
      .send({ password: user.password })
      .expect(200);
    return { user, token: accessToken, codes: response.body.codes as string[] };
  }

  const useCode = async (user: TestUser, code: string) => {
    const { challengeToken } = await startChallenge(t, user);
    return t.http
      .post('/api/auth/two-factor/verify')
      .send({ challengeToken, method: 'recovery', code });
  };

  it('R1: ten codes, shown once and stored hashed; each signs in once and emails the user', async () => {
    const { user, token, codes } = await userWithCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const stored = await t.app
      .get(DataSource)
      .getRepository(RecoveryCode)
      .findBy({ userId: user.id });
    expect(stored).toHaveLength(10);
    for (const row of stored) expect(codes).not.toContain(row.codeHash);

    const first = await useCode(user, codes[0]);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('authenticated');
    const notice = await t.mail.waitFor(
      (mail) => mail.to.includes(user.email) && /recovery code/i.test(mail.subject),
    );
    expect(notice.text).toContain('9');
    expect(notice.text).not.toContain(codes[0]);

    const [audited] = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .findBy({ userId: user.id, type: 'two_factor.succeeded', factor: 'recovery' });
    expect(audited).toBeDefined();

    const again = await useCode(user, codes[0]);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('INVALID_CODE');
    const status = await t.as(token).get('/api/me/two-factor').expect(200);
    expect(status.body.recoveryCodes).toEqual({ remaining: 9 });
  });

  it('R1, B6: one recovery code sent to eight sign-ins at once signs in once', async () => {
    const { user, codes } = await userWithCodes();
    const challenges = await Promise.all(Array.from({ length: 8 }, () => startChallenge(t, user)));
    const { responses, maxInFlight } = await inParallel(
      challenges.map(
        ({ challengeToken }) =>
          () =>
            t.http
              .post('/api/auth/two-factor/verify')
              .send({ challengeToken, method: 'recovery', code: codes[0] }),
      ),
    );
    expect(maxInFlight).toBeGreaterThan(1);
    const answers = responses.map((answer) => [answer.status, answer.body.code as unknown]);
    expect(answers.filter(([status]) => status === 200)).toHaveLength(1);
    expect(answers.filter(([status]) => status !== 200)).toEqual(
      Array.from({ length: 7 }, () => [401, 'INVALID_CODE']),
    );
    const used = await t.app
      .get(DataSource)
      .getRepository(RecoveryCode)
      .countBy({ userId: user.id, usedAt: Not(IsNull()) });
    expect(used).toBe(1);
  });

  it('R1: regenerating voids the old set', async () => {
    const { user, token, codes: oldCodes } = await userWithCodes();
    const fresh = await t
      .as(token)
      .post('/api/me/recovery-codes')
      .send({ password: user.password })
      .expect(200);
    expect((await useCode(user, oldCodes[1])).body.code).toBe('INVALID_CODE');
    expect((await useCode(user, (fresh.body.codes as string[])[0])).status).toBe(200);
  });

  it('R1/B2: a wrong recovery code counts toward the lockout', async () => {
    const { user } = await userWithCodes();
    expect((await useCode(user, 'AAAAA-BBBBB')).status).toBe(401);
    const state = await t.app
      .get(DataSource)
      .getRepository(AttemptCounter)
      .findOneByOrFail({ scope: 'second_factor', subjectId: user.id });
    expect(state.attempts).toBe(1);
  });

  it('needs the password, and a method to recover', async () => {
    const { token } = await userWithCodes();
    const wrong = await t
      .as(token)
      .post('/api/me/recovery-codes')
      .send({ password: 'not-mine-at-all' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('INVALID_PASSWORD');
    const plain = await createAccountWithUser(t, 'member');
    const none = await t
      .as((await signIn(t, plain)).accessToken)
      .post('/api/me/recovery-codes')
      .send({ password: plain.password });
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('METHOD_NOT_ENABLED');
  });

  it('I1: a malformed recovery code answers 400', async () => {
    const { user } = await userWithCodes();
    const { challengeToken } = await startChallenge(t, user);
    for (const code of ['123456', 'AAAA-BBBB', 'AAAAA-BBBB0', 42]) {
      const response = await t.http
        .post('/api/auth/two-factor/verify')
        .send({ challengeToken, method: 'recovery', code });
      expect(response.status).toBe(400);
    }
  });
});
