import type { Runtime } from '../app/runtime.js';
import { portalJournal } from '../journal/portals.js';
import { portalsToRollback, rollbackPortals } from '../portals/rollback.js';

/** The portal half of `efs-okta rollback`. */
export const portalRollback = {
  describe(rt: Runtime): string {
    const rows = portalsToRollback(portalJournal(rt.journal));
    return `deactivate and delete ${rows.length} app(s) registered by this journal${rows.length ? ` (${rows.map((r) => r.key).join(', ')})` : ''}`;
  },
  async run(rt: Runtime, signal: AbortSignal): Promise<{ deleted: number; failed: number }> {
    const r = await rollbackPortals({ portals: portalJournal(rt.journal), okta: rt.okta!, emitter: rt.emitter, clock: rt.clock }, { signal });
    process.stdout.write(`portal apps deleted ${r.deleted}, failed ${r.failed}${r.deleted ? `; the client secrets in ${rt.config.portals.credentialsFile} no longer work` : ''}\n`);
    return r;
  },
};
