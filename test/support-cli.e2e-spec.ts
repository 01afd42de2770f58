import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditEvent } from 'src/audit/audit-event.entity';
import { User } from 'src/users/user.entity';
import { createAccountWithUser, signIn } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

// Each run starts ts-node on the CLI's module graph: seconds.
jest.setTimeout(120_000);

/** H1: the operator's command line, run as an operator runs it, against the app's database. */
describe('Support CLI (npm run gatekeeper -- support …)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  function gatekeeper(...args: string[]) {
    const { database } = t.config;
    return spawnSync('npm', ['run', '-s', 'gatekeeper', '--', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        DATABASE_URL: database.kind === 'sqlite' ? `sqlite:${database.url}` : database.url,
      },
    });
  }

  const roleOf = async (id: string) =>
    (await t.app.get(DataSource).getRepository(User).findOneByOrFail({ id })).platformRole;

  it('H1: grants and revokes the platform roles, each audited, and the user signs in again', async () => {
    const user = await createAccountWithUser(t, 'member');
    const { accessToken } = await signIn(t, user);

    const granted = gatekeeper('support', 'grant', user.email, '--privileged');
    expect(granted.stderr).toBe('');
    expect(granted.status).toBe(0);
    expect(granted.stdout).toContain(`${user.email} is now privileged-support`);
    expect(await roleOf(user.id)).toBe('privileged-support');
    // S4: a role change ends the sessions started before it.
    expect((await t.as(accessToken).get('/api/me')).status).toBe(401);

    const plain = gatekeeper('support', 'grant', user.email.toUpperCase());
    expect(plain.status).toBe(0);
    expect(await roleOf(user.id)).toBe('support');

    const revoked = gatekeeper('support', 'revoke', user.email);
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toContain('is no longer platform support');
    expect(await roleOf(user.id)).toBeNull();

    const events = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .find({ where: { userId: user.id }, order: { createdAt: 'ASC' } });
    const roleEvents = events.filter((event) => event.type.startsWith('platform_role.'));
    expect(roleEvents.map((event) => [event.type, event.detail?.split(' ')[0]])).toEqual([
      ['platform_role.granted', 'privileged-support'],
      ['platform_role.granted', 'support'],
      ['platform_role.revoked', 'support'],
    ]);
    for (const event of roleEvents) {
      expect(event.actorId).toBeNull();
      expect(event.detail).toMatch(/ by operator \S+$/);
      expect(event.accountId).toBe(user.accountId);
    }
  });

  it('H1: an unknown address or a missing one fails with a message and a non-zero exit', () => {
    const unknown = gatekeeper('support', 'grant', 'nobody-here@example.com');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('No user signs in with nobody-here@example.com');

    const missing = gatekeeper('support', 'grant');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("missing required argument 'email'");
  });
});
