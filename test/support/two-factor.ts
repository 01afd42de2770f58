import type { Role } from 'src/access/principal';
import { createAccountWithUser, createUser, signIn, type TestUser } from './factories';
import { totpCode } from './independent-totp';
import type { TestApp } from './test-app';

/** Turns on email codes at `address` through the profile API, reading the code from the SMTP server. */
export async function enableEmailMethod(
  t: TestApp,
  user: TestUser,
  accessToken: string,
  address: string,
) {
  await t
    .as(accessToken)
    .post('/api/me/two-factor/email')
    .send({ password: user.password, email: address })
    .expect(202);
  await t
    .as(accessToken)
    .post('/api/me/two-factor/email/confirm')
    .send({ code: t.mail.latestCodeFor(address) })
    .expect(200);
}

/** Turns on an authenticator app; returns its secret for computing codes independently. */
export async function enableTotpMethod(
  t: TestApp,
  user: TestUser,
  accessToken: string,
): Promise<string> {
  const enrolment = await t
    .as(accessToken)
    .post('/api/me/two-factor/totp')
    .send({ password: user.password })
    .expect(201);
  const secret = enrolment.body.secret as string;
  await t
    .as(accessToken)
    .post('/api/me/two-factor/totp/confirm')
    .send({ code: totpCode(secret, t.clock.now().getTime()) })
    .expect(200);
  return secret;
}

/** Password login that must answer a challenge; returns its body. */
export async function startChallenge(t: TestApp, user: Pick<TestUser, 'email' | 'password'>) {
  const response = await t.http
    .post('/api/auth/login')
    .send({ email: user.email, password: user.password })
    .expect(200);
  if (response.body.status !== 'two_factor_required') {
    throw new Error(`expected a challenge, got ${JSON.stringify(response.body)}`);
  }
  return response.body as {
    challengeToken: string;
    method: string;
    methods: string[];
    emailHint?: string;
  };
}

/** Moves the fake clock to the start of the next 30-second step, so a test's codes do not straddle one. */
export function nextTotpStep(t: TestApp): void {
  const now = t.clock.now().getTime();
  t.clock.advance(30_000 - (now % 30_000) + 1_000);
}

/** Password then an independently computed TOTP code: a full session that passed the second factor. */
export async function signInWithApp(
  t: TestApp,
  user: Pick<TestUser, 'email' | 'password'>,
  secret: string,
) {
  nextTotpStep(t);
  const { challengeToken } = await startChallenge(t, user);
  const session = await t.http
    .post('/api/auth/two-factor/verify')
    .send({ challengeToken, code: totpCode(secret, t.clock.now().getTime()) })
    .expect(200);
  return session.body as { accessToken: string; refreshToken: string };
}

/**
 * A user (in a new account unless `accountId` is given) with these methods turned on through
 * the API, the clock at a fresh TOTP step. `token` is its password session, `secret` the app's
 * key, `address` where its email codes go.
 */
export async function userWithMethods(
  t: TestApp,
  methods: ('totp' | 'email')[],
  options: { accountId?: string; role?: Role } = {},
) {
  const role = options.role ?? 'member';
  const user = options.accountId
    ? await createUser(t, options.accountId, role)
    : await createAccountWithUser(t, role);
  const token = (await signIn(t, user)).accessToken;
  let secret = '';
  const address = `codes-${user.id.slice(0, 8)}@example.org`;
  for (const method of methods) {
    if (method === 'totp') secret = await enableTotpMethod(t, user, token);
    else await enableEmailMethod(t, user, token, address);
  }
  nextTotpStep(t);
  return { user, token, secret, address };
}
