#!/usr/bin/env node
/**
 * `npm run build`: TypeScript's incremental build (tsc -b, build info in dist/.tsbuildinfo), so
 * `npm test` and `npm run demo` compile nothing when dist/ is current (about a second instead of
 * a full compile). tsc -b compares the sources with its build info only, so an output file deleted
 * by hand would go unnoticed: when any src/**.ts has no dist/**.js, the build is forced.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function missingOutputs(dir) {
  const out = [];
  for (const entry of readdirSync(path.join(repo, 'src', dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...missingOutputs(rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !existsSync(path.join(repo, 'dist', rel.replace(/\.ts$/, '.js')))) out.push(rel);
  }
  return out;
}

const missing = missingOutputs('');
const args = ['-b', 'tsconfig.build.json', ...(missing.length > 0 && existsSync(path.join(repo, 'dist', '.tsbuildinfo')) ? ['--force'] : []), ...process.argv.slice(2)];
if (args.includes('--force') && missing.length > 0) console.error(`build: dist/ lacks ${missing.length} compiled file(s) (e.g. ${missing[0].replace(/\.ts$/, '.js')}): rebuilding everything`);
const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const run = spawnSync(process.execPath, [tsc, ...args], { cwd: repo, stdio: 'inherit' });
process.exitCode = run.status ?? 1;
