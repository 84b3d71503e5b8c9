import type { Runtime } from '../app/runtime.js';
import { ConfigError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import { verifyUsers, type VerifyResult } from '../users/verify.js';
import { runCommand, type CommandOutcome } from './run-command.js';
import { kindsOrAll } from './user-kinds.js';

/** `verify`: reconcile journal and Okta (missing users, unexpected status, drifted profiles, strangers in the groups). */
export interface VerifyOptions {
  kinds?: UserKind[];
}

/**
 * Runs on a runtime opened with Okta and without `lock`. It holds the lock, so no run changes the
 * journal while it compares, but writes nothing: it keeps no run record. Exit 1 on any difference.
 */
export async function verify(rt: Runtime, options: VerifyOptions = {}): Promise<CommandOutcome<VerifyResult>> {
  const okta = rt.okta;
  if (!okta) throw new ConfigError('OKTA_REQUIRED', 'verify needs an Okta connection (this runtime was opened without one)');
  return runCommand(rt, { command: 'verify', phase: 'verify', record: false }, async () => {
    const result = await verifyUsers({ journal: rt.journal, okta }, kindsOrAll(options.kinds));
    return { summary: result, attention: result.differences.length > 0 };
  });
}
