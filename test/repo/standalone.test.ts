import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
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
    // The folder's name is spelled in pieces so that this guard (and any grep for it) does not match itself.
    const folder = ['sha', 'red'].join('');
    const outside = [`../${folder}`, `'..', '${folder}'`, `/work/${folder}`];
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
    expect(readme).toContain('## The two commands\n```sh\nnpm ci\nnpm test\n```');
  });

  it('the README is a manual under 450 lines; every docs/ file it links exists and every docs/*.md is linked', () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThan(450);
    const linked = [...readme.matchAll(/\]\((docs\/[^)#]+)(#[^)]*)?\)/g)].map((m) => m[1] as string);
    for (const f of linked) expect(statSync(path.join(REPO, f)).isFile()).toBe(true);
    const docs = readdirSync(path.join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
    expect(docs.filter((d) => !linked.includes(d))).toEqual([]);
    for (const section of ['## Install', '## The two commands', '## Runbook', '## Configuration', '## Commands', '## Exit codes', '## Troubleshooting']) {
      expect(readme).toContain(section);
    }
  });

  it('npm run build is incremental: with dist/ current (the pretest just built) tsc -b has nothing to do', () => {
    expect(pkg.scripts.build).toBe('node scripts/build.mjs');
    for (const s of ['prepare', 'demo', 'bench', 'pretest']) expect(pkg.scripts[s]).toMatch(/npm run build/);
    const dry = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--dry', '--verbose'], { cwd: REPO, encoding: 'utf8' });
    expect(dry.stdout).toMatch(/Project 'tsconfig\.build\.json' is up to date/);
    expect(dry.stdout).not.toMatch(/would build/);
    expect(dry.stderr).toBe('');
  });

  it('npm run build rebuilds when a compiled file is missing from dist/ or a source is newer (copy of the repo)', () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-build-'));
    try {
      for (const f of ['src', 'dist', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) cpSync(path.join(REPO, f), path.join(copy, f), { recursive: true, preserveTimestamps: true });
      symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'));
      const build = (): { stdout: string; stderr: string } => spawnSync(process.execPath, [path.join(copy, 'scripts', 'build.mjs'), '--dry', '--verbose'], { cwd: copy, encoding: 'utf8' });
      expect(build().stdout).toMatch(/is up to date/);
      rmSync(path.join(copy, 'dist', 'cli', 'main.js'));
      const missing = build();
      expect(missing.stderr).toContain('build: dist/ lacks 1 compiled file(s) (e.g. cli/main.js): rebuilding everything');
      expect(missing.stdout).toMatch(/would build project/);
      cpSync(path.join(REPO, 'dist', 'cli', 'main.js'), path.join(copy, 'dist', 'cli', 'main.js'), { preserveTimestamps: true });
      expect(build().stdout).toMatch(/is up to date/);
      const later = new Date(Date.now() + 60_000);
      appendFileSync(path.join(copy, 'src', 'cli', 'main.ts'), '\nexport const edited = 1;\n');
      utimesSync(path.join(copy, 'src', 'cli', 'main.ts'), later, later);
      expect(build().stdout).toMatch(/out of date because output 'dist\/\.tsbuildinfo' is older than input 'src\/cli\/main\.ts'[\s\S]*would build project/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
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
