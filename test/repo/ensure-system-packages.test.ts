import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/installation.js';

const SCRIPT = path.join(REPO, 'scripts', 'ensure-system-packages.mjs');
const BINARIES: Record<string, string> = { chromium: 'usr/bin/chromium', 'mariadb-server': 'usr/sbin/mariadbd', 'redis-server': 'usr/bin/redis-server' };
const ALL = 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium mariadb-server redis-server';

/** A fake root (standing in for `/`) and a fake apt-get that logs its arguments and "installs" into that root. */
let dir: string;
let root: string;
let aptGet: string;
let aptLog: string;

function placeBinary(rel: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), '#!/bin/sh\n');
  chmodSync(path.join(root, rel), 0o755);
}

function writeAptGet(behaviour: 'installs' | 'fails'): void {
  const map = Object.entries(BINARIES).map(([pkg, rel]) => `    ${pkg}) mkdir -p "$(dirname "$ROOT/${rel}")"; printf '#!/bin/sh\\n' > "$ROOT/${rel}"; chmod 755 "$ROOT/${rel}";;`).join('\n');
  writeFileSync(aptGet, `#!/bin/bash
echo "$DEBIAN_FRONTEND $*" >> "${aptLog}"
${behaviour === 'fails' ? 'exit 100' : ''}
ROOT="${root}"
if [ "$1" = install ]; then
  for arg in "$@"; do case "$arg" in
${map}
  esac; done
fi
`);
  chmodSync(aptGet, 0o755);
}

function run(uid: number): { code: number | null; stderr: string; apt: string[] } {
  const r = spawnSync(process.execPath, [SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, EFS_OKTA_SYSTEM_ROOT: root, EFS_OKTA_APT_GET: aptGet, EFS_OKTA_UID: String(uid) },
  });
  const apt = existsSync(aptLog) ? readFileSync(aptLog, 'utf8').trim().split('\n') : [];
  return { code: r.status, stderr: r.stderr, apt };
}

describe('scripts/ensure-system-packages (npm pretest): chromium, mariadbd and redis-server', () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-syspkg-'));
    root = path.join(dir, 'root');
    aptGet = path.join(dir, 'apt-get');
    aptLog = path.join(dir, 'apt.log');
    mkdirSync(root);
    writeAptGet('installs');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('does nothing, silently, when all three binaries are installed', () => {
    for (const rel of Object.values(BINARIES)) placeBinary(rel);
    expect(run(0)).toEqual({ code: 0, stderr: '', apt: [] });
  });

  it('not root and packages missing: stops at once with the exact apt-get command, installs nothing', () => {
    const r = run(1000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sudo sh -c '${ALL}'`);
    for (const rel of Object.values(BINARIES)) expect(r.stderr).toContain(`/${rel}`);
    expect(r.apt).toEqual([]);
  });

  it('not root: the command names only the missing packages', () => {
    placeBinary(BINARIES.chromium!);
    placeBinary(BINARIES['redis-server']!);
    const r = run(1000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--no-install-recommends mariadb-server'");
    expect(r.stderr).not.toContain('/usr/bin/chromium');
  });

  it('as root: installs the missing packages non-interactively with apt-get, then passes', () => {
    placeBinary(BINARIES.chromium!);
    const r = run(0);
    expect(r.code).toBe(0);
    expect(r.apt).toEqual(['noninteractive update -qq', 'noninteractive install -y -qq --no-install-recommends mariadb-server redis-server']);
    expect(r.stderr).toContain('installing mariadb-server, redis-server');
    expect(existsSync(path.join(root, BINARIES['mariadb-server']!))).toBe(true);
  });

  it('as root, apt-get failing: fails with the command to run by hand', () => {
    writeAptGet('fails');
    const r = run(0);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`failed (exit code 100)`);
    expect(r.stderr).toContain(ALL);
    expect(r.apt).toEqual(['noninteractive update -qq']);
  });

  it('as root, apt-get succeeding without providing the binary: fails naming what is still missing', () => {
    writeFileSync(aptGet, `#!/bin/sh\necho "$*" >> "${aptLog}"\n`);
    const r = run(0);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/still missing:\n {2}\/usr\/bin\/chromium/);
  });

  it('on this machine (after the pretest ran) all three are present', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { ...process.env, EFS_OKTA_SYSTEM_ROOT: '', EFS_OKTA_APT_GET: '/bin/false', EFS_OKTA_UID: '1000' } });
    expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });
});
