import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const CRUISER = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Runs the layering check of `npm run lint` on `cwd`'s src/, module folders collapsed. */
function cruiseModules(cwd: string) {
  return spawnSync(
    process.execPath,
    [CRUISER, 'src', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--collapse', '^src/[^/]+'],
    { cwd, encoding: 'utf8' },
  );
}

// Each run parses the whole of src/ with TypeScript: seconds.
jest.setTimeout(30_000);

describe('Layering (npm run lint)', () => {
  it('fails on a cycle between module folders and on an import against the layers', () => {
    const run = cruiseModules(join(__dirname, 'fixtures', 'module-cycle'));
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('no-circular');
    expect(run.stdout).toContain('users-stays-below');
  });

  it('passes on the product', () => {
    const run = cruiseModules(ROOT);
    expect(run.stdout).toContain('no dependency violations found');
    expect(run.status).toBe(0);
  });
});
