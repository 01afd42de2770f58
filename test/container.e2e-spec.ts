import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmtpCapture } from './support/smtp-capture';

const ROOT = join(__dirname, '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '');
/** The image's final stage: what runs. */
const runStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

/** The exec form of the last stage's CMD, or of its HEALTHCHECK's, as an argument list. */
function execForm(instruction: 'CMD' | 'HEALTHCHECK'): string[] {
  const pattern =
    instruction === 'CMD' ? /^CMD (\[.*\])$/m : /^HEALTHCHECK (?:--\S+ )*CMD (\[.*\])$/m;
  const match = pattern.exec(runStage);
  if (!match) throw new Error(`no ${instruction} in exec form in the Dockerfile's last stage`);
  return JSON.parse(match[1]) as string[];
}

// No Docker engine here: the image is simulated by its parts. Building the app and starting it
// take a few seconds each, more on a busy machine.
jest.setTimeout(180_000);

describe('The container image', () => {
  it('runs as a user of its own, with a health check on the liveness route', () => {
    expect(runStage).toMatch(/^USER node$/m);
    expect(runStage).toMatch(/^ENV NODE_ENV=production/m);
    expect(runStage).toMatch(/^COPY --from=build \/app\/admin-bundle \.\/admin-bundle$/m);
    expect(runStage).toMatch(/^RUN chmod -R a-w \/app/m);
    expect(execForm('HEALTHCHECK').join(' ')).toContain('/api/health/live');
  });

  it('docker-compose.yml pins every image and sets no password of its own', () => {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const images = [...compose.matchAll(/^\s+image: (\S+)$/gm)].map((match) => match[1]);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/:v?\d+\.\d+\.\d+$/);
    for (const [, image] of dockerfile.matchAll(/^FROM (\S+)/gm)) {
      expect(image).toMatch(/:\d+\.\d+\.\d+(-[\w.-]+)?$/);
    }
    // Every password, secret and key is the user's: compose stops when one is not given.
    const secrets = [...compose.matchAll(/^\s+(\w*(?:PASSWORD|SECRET|KEY)): (.+)$/gm)].filter(
      ([, name]) => name !== 'MYSQL_RANDOM_ROOT_PASSWORD',
    );
    expect(secrets.map(([, name]) => name).sort()).toEqual([
      'ADMIN_PASSWORD',
      'ENCRYPTION_KEY',
      'JWT_SECRET',
      'MYSQL_PASSWORD',
    ]);
    for (const [, name, value] of secrets) {
      expect([name, value]).toEqual([name, expect.stringMatching(/^\$\{\w+:\?/)]);
    }
    expect(compose).toMatch(/DATABASE_URL: mysql:\/\/gatekeeper:\$\{MYSQL_PASSWORD:\?/);
  });

  it("starts with the image's command as an unprivileged user on a read-only copy of the built app, and turns healthy", async () => {
    // What the image's build stage does: compile, then bundle the panel (only if stale here).
    execFileSync('sh', [join(ROOT, 'scripts', 'build-if-stale.sh')], { stdio: 'ignore' });
    const app = mkdtempSync(join(tmpdir(), 'gatekeeper-image-'));
    chmodSync(app, 0o755);
    for (const part of ['dist', 'admin-bundle', 'package.json']) {
      cpSync(join(ROOT, part), join(app, part), { recursive: true });
    }
    // Production dependencies are read in place: root's, and never writable by the app's user.
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
    execFileSync('chmod', ['-R', 'a-w', app]);
    const varDir = mkdtempSync(join(tmpdir(), 'gatekeeper-image-var-'));
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(varDir, 65534, 65534);
    // As root, run everything as `nobody`; otherwise this user is unprivileged already. Where the
    // repository sits in a folder `nobody` cannot enter (a CI clone under /root), it is given the
    // right to read and search, never to write, and stays uid 65534.
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    const dependency = join(ROOT, 'node_modules', '@nestjs', 'core', 'package.json');
    if (asRoot && spawnSync(asNobody[0], [...asNobody.slice(1), 'test', '-r', dependency]).status) {
      asNobody.push('--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search');
    }
    const unprivileged = (command: string[]) =>
      asRoot ? [...asNobody, '--', ...command] : command;

    const [touch, ...touchArgs] = unprivileged(['touch', join(app, 'dist', 'written')]);
    expect(spawnSync(touch, touchArgs).status).not.toBe(0);

    const mail = new SmtpCapture();
    const { url: smtpUrl } = await mail.start();
    const [command, ...args] = unprivileged(execForm('CMD'));
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      GATEKEEPER_VAR_DIR: varDir,
      PORT: '0',
      SMTP_URL: smtpUrl,
      JWT_SECRET: randomBytes(32).toString('base64'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ADMIN_EMAIL: 'first-admin@example.com',
      ADMIN_PASSWORD: 'a first administrator password',
    };
    const child = spawn(command, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /Listening on http:\/\/localhost:(\d+)/.exec(stdout);
          if (match) resolve(match[1]);
          if (match || child.exitCode !== null) clearInterval(timer);
          if (!match && child.exitCode !== null) reject(new Error(`exited:\n${stdout}\n${stderr}`));
        }, 100);
      });
      expect(stderr).toBe('');
      // The process runs as the unprivileged user.
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      if (asRoot) expect(status).toMatch(/^Uid:\s+65534\s/m);

      const [healthCommand, ...healthArgs] = unprivileged(execForm('HEALTHCHECK'));
      const health = spawnSync(healthCommand, healthArgs, { env: { ...env, PORT: port } });
      expect(health.status).toBe(0);
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          email: 'first-admin@example.com',
          password: 'a first administrator password',
        }),
      });
      expect(login.status).toBe(200);
      const panel = await fetch(`http://127.0.0.1:${port}/admin/login`);
      expect(panel.status).toBe(200);
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await mail.stop();
      execFileSync('chmod', ['-R', 'u+w', app]);
    }
  });
});
