/**
 * The layers, enforced: each folder of src/ may import only the folders listed for it (and itself).
 * The picture and the reasons are in docs/architecture.md. eslint.config.js enforces it on `npm run lint`;
 * test/repo/layers.test.ts on `npm test` (dynamic imports included).
 */
export const LAYERS = {
  core: [],
  records: ['core'],
  config: ['core', 'records'],
  source: ['core', 'config'],
  files: ['core'],
  journal: ['core', 'records'],
  okta: ['core'],
  run: ['core', 'journal', 'okta'],
  groups: ['core', 'journal', 'okta', 'run'],
  users: ['core', 'records', 'config', 'source', 'files', 'journal', 'okta', 'run', 'groups'],
  portals: ['core', 'records', 'config', 'source', 'files', 'journal', 'okta', 'run', 'groups'],
  report: ['core', 'records', 'files', 'journal', 'okta', 'run', 'users', 'portals'],
  dashboard: ['core', 'journal', 'run', 'report'],
  app: ['core', 'records', 'config', 'source', 'files', 'journal', 'okta', 'run', 'groups', 'users', 'portals', 'report'],
  commands: ['core', 'records', 'config', 'source', 'files', 'journal', 'okta', 'run', 'groups', 'users', 'portals', 'report', 'app'],
  sim: ['core'],
  cli: ['core', 'records', 'config', 'source', 'files', 'journal', 'okta', 'run', 'groups', 'users', 'portals', 'report', 'dashboard', 'app', 'commands', 'sim'],
  demo: ['core', 'records', 'config', 'source', 'files', 'journal', 'okta', 'run', 'groups', 'users', 'portals', 'report', 'dashboard', 'app', 'commands', 'sim', 'cli'],
  bench: ['core', 'records', 'config', 'source', 'files', 'journal', 'okta', 'run', 'groups', 'users', 'portals', 'report', 'dashboard', 'app', 'commands', 'sim', 'cli', 'demo'],
};

