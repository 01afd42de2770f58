import fc from 'fast-check';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { hostileString, hostileValue } from './support/fuzz';
import { panelClient, startPanelApp } from './support/panel';
import { SoftwareAuthenticator } from './support/software-authenticator';
import { platformRoles, REASON, TICKET } from './support/support-staff';
import type { TestApp } from './support/test-app';
import { userWithMethods } from './support/two-factor';

const ORIGIN = 'https://auth.example.com';

/**
 * H2 in the panel's Support desk with any of the staff member's methods, not only an
 * authenticator app: a passkey, an email code. Each answers a step-up the desk started, once.
 */
describe('AdminJS panel: the Support desk takes any second factor (H2, W1)', () => {
  let t: TestApp;
  let desk: TestAgent;
  let address: string;
  let memberEmail: string;
  let recoveryCodes: string[];
  const key = new SoftwareAuthenticator({ origin: ORIGIN });

  beforeAll(async () => {
    t = await startPanelApp({ PUBLIC_URL: ORIGIN });
    // Staff with email codes, recovery codes and a passkey, and no authenticator app.
    const staff = await userWithMethods(t, ['email']);
    address = staff.address;
    recoveryCodes = (
      await t
        .as(staff.token)
        .post('/api/me/recovery-codes')
        .send({ password: staff.user.password })
        .expect(200)
    ).body.codes as string[];
    const begun = await t
      .as(staff.token)
      .post('/api/me/two-factor/passkey')
      .send({ password: staff.user.password })
      .expect(200);
    await t
      .as(staff.token)
      .post('/api/me/two-factor/passkey/confirm')
      .send({ response: key.register(begun.body.options) })
      .expect(200);
    await platformRoles(t).grant(staff.user.email, 'support', 'test');
    memberEmail = (await userWithMethods(t, [])).user.email;
    desk = await signedInWithEmailCode(t, staff);
  }, 60_000);
  afterAll(() => t.close());

  const post = (body: object) => deskPost(desk, body);
  const lookup = { operation: 'lookup', reason: REASON, ticket: TICKET };
  const stepUp = async (method: string) =>
    (await post({ operation: 'step_up', method }).expect(200)).body.stepUp as {
      stepUpId: string;
      method: string;
      hint?: string;
      options?: never;
    };
  /** What a lookup leaves behind: a row on the platform's trail. */
  const lookups = async () => {
    const [row] = await t.app
      .get(DataSource)
      .query<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM support_requests');
    return Number(row.n);
  };

  it("the desk offers the staff member's own methods, strongest first, by their names, then recovery codes", async () => {
    const page = await desk
      .get('/admin/api/pages/support-desk')
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);
    expect(page.body.methods).toEqual([
      { method: 'passkey', name: 'Passkey or security key' },
      { method: 'email', name: 'Email' },
      { method: 'recovery', name: 'Recovery code' },
    ]);
  });

  it('W1: a lookup with a passkey: request options bound to a step-up, answered once', async () => {
    const started = await stepUp('passkey');
    expect(started.method).toBe('passkey');
    const response = JSON.stringify(key.assert(started.options!));
    const found = await post({
      ...lookup,
      email: memberEmail,
      stepUpId: started.stepUpId,
      response,
    }).expect(200);
    expect(found.body.found.maskedEmail).toMatch(/•/);

    const before = await lookups();
    const replayed = await post({
      ...lookup,
      email: memberEmail,
      stepUpId: started.stepUpId,
      response,
    });
    expect([replayed.status, replayed.body.code]).toEqual([401, 'CHALLENGE_EXPIRED']);
    expect(await lookups()).toBe(before);
  });

  it('a lookup with an email code: "Send me a verification code" mails it, the form answers it', async () => {
    t.mail.clear();
    const started = await stepUp('email');
    expect(started.hint).toMatch(/•/);
    const found = await post({
      ...lookup,
      email: memberEmail,
      stepUpId: started.stepUpId,
      code: t.mail.latestCodeFor(address),
    }).expect(200);
    expect(found.body.found.maskedEmail).toMatch(/•/);
  });

  it('R1: a recovery code alone answers a lookup once', async () => {
    const withCode = { ...lookup, email: memberEmail, method: 'recovery', code: recoveryCodes[0] };
    const found = await post(withCode).expect(200);
    expect(found.body.found.maskedEmail).toMatch(/•/);
    const before = await lookups();
    const reused = await post(withCode);
    expect([reused.status, reused.body.code]).toEqual([401, 'INVALID_CODE']);
    const otherMethod = await post({ ...withCode, method: 'email', code: recoveryCodes[1] });
    expect([otherMethod.status, otherMethod.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await lookups()).toBe(before);
  });

  it('I4: bad second factors are clear 4xx with a code and change nothing', async () => {
    const before = await lookups();
    const refusals = [
      // A code alone is an authenticator app's, which this staff member does not have.
      await post({ ...lookup, email: memberEmail, code: '123456' }),
      await post({ ...lookup, email: memberEmail }),
      await post({ operation: 'step_up', method: 'totp' }),
      await post({ operation: 'step_up', method: { $gt: '' } }),
      await post({ ...lookup, email: memberEmail, stepUpId: 'not-a-uuid', code: '123456' }),
      await post({
        ...lookup,
        email: memberEmail,
        stepUpId: (await stepUp('passkey')).stepUpId,
        response: '{"__proto__": {"admin": true}}',
      }),
      // As JSON rather than a form's string: a prototype key nested in it (fuzzing found a 500).
      await post({
        ...lookup,
        email: memberEmail,
        stepUpId: (await stepUp('passkey')).stepUpId,
        response: [[{ constructor: ' ' }]],
      }),
    ];
    expect(refusals.map((answer) => [answer.status, answer.body.code as string])).toEqual([
      [409, 'METHOD_NOT_ENABLED'],
      [400, 'VALIDATION_FAILED'],
      [409, 'METHOD_NOT_ENABLED'],
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
    ]);
    expect(await lookups()).toBe(before);
  });
  // Last: its wrong factors lock the staff member out (B2).
  it('I5: hostile desk forms (any operation, method, step-up, code or passkey answer) answer 4xx with a code, never a 5xx, and act on nobody', async () => {
    const before = await lookups();
    // Mostly well-formed fields, so that the hostile one reaches the step-up and the desk.
    const mostly = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: hostileValue, weight: 1 });
    const form = fc.record({
      operation: mostly(
        fc.constantFrom(
          'step_up',
          'lookup',
          'carry_out',
          'temporary_code',
          'reset',
          'end_sessions',
        ),
      ),
      method: mostly(fc.constantFrom('passkey', 'email', 'totp', 'recovery')),
      stepUpId: mostly(fc.uuid()),
      code: mostly(fc.constantFrom('123456', '000000', ' 123456 ')),
      response: fc.option(fc.oneof(hostileString, hostileValue), { nil: undefined, freq: 3 }),
      reason: mostly(fc.constant(REASON)),
      ticket: mostly(fc.constant(TICKET)),
      email: mostly(fc.constant(memberEmail)),
      userId: mostly(fc.uuid()),
      requestId: mostly(fc.uuid()),
    });
    await fc.assert(
      fc.asyncProperty(form, async (body) => {
        const answer = await post(body);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.body.code).toEqual(expect.any(String));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
    expect(await lookups()).toBe(before);
    expect(t.logs.lines.filter((line) => line.startsWith('error'))).toEqual([]);
  });
});

describe("B4: the desk's step-up start, which sends mail", () => {
  let t: TestApp;
  beforeAll(() => startPanelApp({ RATE_LIMIT_PER_MINUTE: '4' }).then((app) => (t = app)), 60_000);
  afterAll(() => t.close());

  it('B4: counts in the per-address limit of POST /api/auth/step-up/start: 429 with Retry-After, and the refused start sends no mail', async () => {
    const staff = await userWithMethods(t, ['email']);
    await platformRoles(t).grant(staff.user.email, 'support', 'test');
    const desk = await signedInWithEmailCode(t, staff);
    const mailsTo = () => t.mail.messages.filter((mail) => mail.to.includes(staff.address)).length;
    const before = mailsTo();

    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await deskPost(desk, { operation: 'step_up', method: 'email' }));
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 429]);
    expect(answers[4].body.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(answers[4].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(mailsTo() - before).toBe(4);
    // One bucket with the API's route: it is used up there too.
    await t.as(staff.token).post('/api/auth/step-up/start').send({ method: 'email' }).expect(429);
  });
});

const deskPost = (desk: TestAgent, body: object) =>
  desk.post('/admin/api/pages/support-desk').set('Sec-Fetch-Site', 'same-origin').send(body);

/** The panel's sign-in with the password, then an email code: a second factor, as H1 asks. */
async function signedInWithEmailCode(
  t: TestApp,
  staff: { user: { email: string; password: string }; address: string },
): Promise<TestAgent> {
  const desk = panelClient(t);
  await desk
    .post('/admin/login')
    .type('form')
    .send({ email: staff.user.email, password: staff.user.password })
    .expect(302);
  await desk.post('/admin/login/method').type('form').send({ method: 'email' }).expect(302);
  const signedIn = await desk
    .post('/admin/login/code')
    .type('form')
    .send({ code: t.mail.latestCodeFor(staff.address) })
    .expect(302);
  expect(signedIn.headers.location).toBe('/admin');
  return desk;
}
