import type { Command } from 'commander';

/** Each verb module exports `register(program)`; adding a verb = one file + one line here. */
export type RegisterVerb = (program: Command) => void;

/**
 * Verbs are loaded on demand: `efs-okta status` should not pay for loading the Okta SDK, the
 * simulator and the MariaDB driver. `--help` (or an unknown verb) loads them all.
 */
export const verbLoaders: Record<string, () => Promise<RegisterVerb>> = {
  init: async () => (await import('./init.js')).register,
  plan: async () => (await import('./plan.js')).register,
  doctor: async () => (await import('./doctor.js')).register,
  users: async () => (await import('./users.js')).register,
  status: async () => (await import('./status.js')).register,
  verify: async () => (await import('./verify.js')).register,
  rollback: async () => (await import('./rollback.js')).register,
  report: async () => (await import('./report.js')).register,
  portals: async () => (await import('./portals.js')).register,
  dashboard: async () => (await import('./dashboard.js')).register,
  sim: async () => (await import('./sim.js')).register,
};

/** The verbs to register for this command line: just the one named, else every verb. */
export async function loadVerbs(argv: string[]): Promise<RegisterVerb[]> {
  const named = argv.slice(2).find((a) => !a.startsWith('-'));
  const loader = named !== undefined ? verbLoaders[named] : undefined;
  if (loader) return [await loader()];
  return Promise.all(Object.values(verbLoaders).map((load) => load()));
}
