import type { PlatformRole } from 'src/access/principal';
import { AuditService } from 'src/audit/audit.service';
import { PlatformRolesService } from 'src/support/platform-roles.service';
import { UsersService } from 'src/users/users.service';
import { totpCode } from './independent-totp';
import type { TestApp } from './test-app';
import { nextTotpStep, signInWithApp, userWithMethods } from './two-factor';

export const REASON = 'Lost phone; identity checked by a call-back to the number on file';
export const TICKET = 'SUP-1042';

/**
 * A platform support person: a user of the vendor's own account with an authenticator app,
 * granted `role` as the CLI does (test/support-cli.e2e-spec.ts runs the real command), signed in
 * with the second factor.
 */
export async function supportPerson(t: TestApp, role: PlatformRole = 'support') {
  const { user, secret } = await userWithMethods(t, ['totp']);
  await platformRoles(t).grant(user.email, role, 'test');
  const { accessToken } = await signInWithApp(t, user, secret);
  const person = { user, secret, token: accessToken, stepUpToken: '' };
  person.stepUpToken = await stepUp(t, person);
  return person;
}

/** What the operator's CLI runs (the app itself has no way to grant a role, H1). */
export function platformRoles(t: TestApp): PlatformRolesService {
  return new PlatformRolesService(t.app.get(UsersService), t.app.get(AuditService));
}

/** H2: the second factor again, inside the session: answers the step-up proof. */
export async function stepUp(t: TestApp, person: { token: string; secret: string }) {
  const started = await t
    .as(person.token)
    .post('/api/auth/step-up/start')
    .send({ method: 'totp' })
    .expect(200);
  nextTotpStep(t);
  const proof = await t
    .as(person.token)
    .post('/api/auth/step-up')
    .send({
      stepUpId: started.body.stepUpId as string,
      code: totpCode(person.secret, t.clock.now().getTime()),
    })
    .expect(200);
  return proof.body.stepUpToken as string;
}

/** A support call's body: reason, ticket and the person's step-up proof. */
export function because(person: { stepUpToken: string }, extra: object = {}) {
  return { reason: REASON, ticket: TICKET, stepUpToken: person.stepUpToken, ...extra };
}
