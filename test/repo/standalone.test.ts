import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchBrowser } from '../report/browser.js';
import { REPO } from '../helpers/installation.js';

/** Every file of a folder, recursively (relative to the repository). */
function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(REPO, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(REPO, rel)).isDirectory()) out.push(...files(rel));
    else out.push(rel);
  }
  return out;
}

const SOURCES = ['src', 'test', 'scripts', '.ci'].flatMap(files).filter((f) => /\.(ts|mjs|js|ya?ml|json|sh)$|\.ci\/run$/.test(f));
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('repository: a fresh clone passes npm test with nothing but its own files', () => {
  it('no source, test, script or fixture refers to a folder beside the repository', () => {
    const outside = ['..' + '/shared', "'..', " + "'shared'", '/work' + '/shared'];
    const hits = SOURCES.flatMap((f) => {
      const text = readFileSync(path.join(REPO, f), 'utf8');
      return outside.filter((s) => text.includes(s)).map((s) => `${f}: ${s}`);
    });
    expect(hits).toEqual([]);
  });

  it('the sample exports the tests read are in test/fixtures/samples', () => {
    expect(readdirSync(path.join(REPO, 'test', 'fixtures', 'samples')).sort()).toEqual(['README.md', 'admins.csv', 'panelists.csv', 'portals.csv']);
  });

  it('no test skips: no .skip, skipIf or runIf anywhere under test/', () => {
    const skipping = files('test').filter((f) => f.endsWith('.ts')).filter((f) => /\b(describe|it|test)\.(skip|skipIf|runIf|todo)\b/.test(readFileSync(path.join(REPO, f), 'utf8')));
    expect(skipping).toEqual([]);
  });

  it('.ci/run is exactly the README two commands, and npm test provides its system packages before building', () => {
    const ci = readFileSync(path.join(REPO, '.ci', 'run'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(ci).toEqual(['set -euo pipefail', 'cd "$(dirname "$0")/.."', 'npm ci', 'npm test']);
    expect(pkg.scripts.pretest).toBe('node scripts/ensure-system-packages.mjs && npm run build');
    expect(pkg.scripts.test).toBe('vitest run');
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci\nnpm test');
  });

  it('npm run build is incremental: with dist/ current (the pretest just built) tsc -b has nothing to do', () => {
    expect(pkg.scripts.build).toBe('tsc -b tsconfig.build.json');
    for (const s of ['prepare', 'demo', 'bench', 'pretest']) expect(pkg.scripts[s]).toMatch(/npm run build/);
    const dry = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json', '--dry', '--verbose'], { cwd: REPO, encoding: 'utf8' });
    expect(dry.stdout).toMatch(/Project 'tsconfig\.build\.json' is up to date/);
    expect(dry.stdout).not.toMatch(/would build/);
  });

  it('a missing chromium fails the browser test with the command that installs it (no skip)', async () => {
    await expect(launchBrowser('/nonexistent/chromium')).rejects.toThrow(
      '/nonexistent/chromium is not installed: run npm test as root (its pretest installs it) or apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium');
  });

  it('a missing mariadbd fails a MariaDB suite with the command that installs it (no skip)', () => {
    const run = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/db/preflight.test.ts'], {
      cwd: REPO, encoding: 'utf8', env: { ...process.env, MARIADBD: '/nonexistent/mariadbd', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const out = run.stdout + run.stderr;
    expect(run.status).toBe(1);
    expect(out).toContain('mariadbd is not installed: run npm test as root (its pretest installs it) or apt-get update');
    expect(out).not.toMatch(/\bskipped\b/);
    expect(out).toMatch(/Tests +1 failed \(1\)/);
  }, 60_000);
});
