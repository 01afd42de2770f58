import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMainUntilExit } from './support/run-main';

const varDir = () => mkdtempSync(join(tmpdir(), 'gatekeeper-start-'));

describe('Start-up refusals', () => {
  it('refuses to start in production without secrets, in one line naming each missing variable', async () => {
    const run = await runMainUntilExit({ NODE_ENV: 'production', GATEKEEPER_VAR_DIR: varDir() });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/JWT_SECRET is required.*ENCRYPTION_KEY is required/);
    expect(run.stdout).not.toContain('Listening');
  });

  it('exits non-zero with one clear line, no stack trace, when the database cannot be reached', async () => {
    const run = await runMainUntilExit({
      GATEKEEPER_VAR_DIR: varDir(),
      DATABASE_URL: 'mysql://gatekeeper:hunter2@127.0.0.1:1/gatekeeper',
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^gatekeeper: cannot reach the database at mysql:\/\/gatekeeper:\*\*\*@127\.0\.0\.1:1\/gatekeeper/,
    );
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
