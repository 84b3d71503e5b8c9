#!/usr/bin/env node
/**
 * `npm test` needs three Debian packages beside node_modules: the browser tests drive chromium
 * through playwright-core (no browser download), and the database and Redis suites start private
 * mariadbd / redis-server processes of their own (no system-wide service is started or used).
 *
 * When one is missing: as root, install it with apt-get (as `.ci/run` on a fresh machine needs);
 * otherwise stop at once with the exact command to run, so no suite fails later for a missing binary.
 *
 * EFS_OKTA_SYSTEM_ROOT (a directory standing in for `/`), EFS_OKTA_APT_GET (the apt-get to run) and
 * EFS_OKTA_UID (the user id to assume) exist so the script's own test can simulate a machine without
 * the packages; nothing else sets them.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const PACKAGES = [
  { binary: '/usr/bin/chromium', pkg: 'chromium', why: 'browser tests (dashboard, HTML report)' },
  { binary: '/usr/sbin/mariadbd', pkg: 'mariadb-server', why: 'MariaDB source tests (a private server per suite)' },
  { binary: '/usr/bin/redis-server', pkg: 'redis-server', why: 'Redis tests (a private server per suite)' },
];

const root = process.env.EFS_OKTA_SYSTEM_ROOT || '/';
const aptGet = process.env.EFS_OKTA_APT_GET || 'apt-get';
const uid = process.env.EFS_OKTA_UID !== undefined ? Number(process.env.EFS_OKTA_UID) : process.getuid?.();

function executable(binary) {
  try {
    accessSync(path.join(root, binary), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function installCommand(pkgs) {
  return `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${pkgs.join(' ')}`;
}

function describe(list) {
  return list.map((p) => `  ${p.binary} (Debian package ${p.pkg}: ${p.why})`).join('\n');
}

function main() {
  const missing = PACKAGES.filter((p) => !executable(p.binary));
  if (missing.length === 0) return 0;
  const pkgs = missing.map((p) => p.pkg);
  const command = installCommand(pkgs);
  if (uid !== 0) {
    console.error(`npm test needs system packages that are not installed:\n${describe(missing)}\n` +
      `Install them as root, then run npm test again:\n  sudo sh -c '${command}'`);
    return 1;
  }
  console.error(`npm test: installing ${pkgs.join(', ')} (missing: ${missing.map((p) => p.binary).join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const steps = [[aptGet, ['update', '-qq']], [aptGet, ['install', '-y', '-qq', '--no-install-recommends', ...pkgs]]];
  for (const [cmd, args] of steps) {
    const run = spawnSync(cmd, args, { stdio: 'inherit', env });
    if (run.error || run.status !== 0) {
      const why = run.error ? run.error.message : `exit code ${run.status}`;
      console.error(`npm test: '${cmd} ${args.join(' ')}' failed (${why}). Install the packages by hand, then run npm test again:\n  ${command}`);
      return 1;
    }
  }
  const still = PACKAGES.filter((p) => !executable(p.binary));
  if (still.length > 0) {
    console.error(`npm test: apt-get finished but these are still missing:\n${describe(still)}\nInstall them by hand (${command}), then run npm test again.`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
