import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/installation.js';
// @ts-expect-error: a plain ES module shared with eslint.config.js, without type declarations.
import { LAYERS } from '../../scripts/layers.mjs';

const layers = LAYERS as Record<string, string[]>;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? tsFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Every relative module a file imports, static or dynamic, as the top folder of src/ it lands in. */
function importedFolders(file: string): { spec: string; folder: string }[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  const src = path.join(REPO, 'src');
  return specs.flatMap((spec) => {
    const rel = path.relative(src, path.resolve(path.dirname(file), spec));
    const folder = rel.split(path.sep)[0]!;
    return rel.startsWith('..') || !rel.includes(path.sep) ? [] : [{ spec, folder }];
  });
}

describe('repository: the layers of src/ (scripts/layers.mjs)', () => {
  const src = path.join(REPO, 'src');
  const folders = readdirSync(src).filter((f) => statSync(path.join(src, f)).isDirectory());

  it('every folder of src/ has a layer entry', () => {
    expect(folders.filter((f) => !(f in layers))).toEqual([]);
  });

  it('no module imports a folder its layer may not use (static and dynamic imports)', () => {
    const breaches = folders.flatMap((folder) =>
      tsFiles(path.join(src, folder)).flatMap((file) =>
        importedFolders(file)
          .filter((i) => i.folder !== folder && !(layers[folder] ?? []).includes(i.folder))
          .map((i) => `${path.relative(REPO, file)} imports ${i.spec}`),
      ),
    );
    expect(breaches).toEqual([]);
  });

  it('the simulator imports nothing of the product but core', () => {
    expect(layers.sim).toEqual(['core']);
  });

  it('users and portals do not import each other; core, records and okta import nothing above them', () => {
    expect(layers.users).not.toContain('portals');
    expect(layers.portals).not.toContain('users');
    expect(layers.core).toEqual([]);
    expect(layers.records).toEqual(['core']);
    expect(layers.okta).toEqual(['core']);
  });

  it('the commands (the library) never reach for the CLI or the dashboard; the CLI, demo and bench may use them', () => {
    expect(layers.commands).not.toContain('cli');
    expect(layers.commands).not.toContain('dashboard');
    for (const user of ['cli', 'demo', 'bench']) expect(layers[user]).toContain('commands');
  });
});
