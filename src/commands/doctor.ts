import { connectOkta } from '../app/connect-okta.js';
import { runDoctor, type DoctorReport } from '../app/doctor.js';
import type { Config } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import { EXIT_CODES } from './exit-codes.js';

/** `doctor`: read-only checks of the org before the first create (token, schema, rate share, DPoP, groups). */
export interface DoctorOptions {
  /** Credential warnings (a key file others can read) are emitted here as `warning` events. */
  emitter: CoreEmitter;
  env?: NodeJS.ProcessEnv;
}

export interface DoctorSummary {
  report: DoctorReport;
  /** 0 when every check passed (warnings allowed), 1 when one failed, 3 when the token is refused. */
  exitCode: number;
}

/** No journal: doctor looks at the org only, and must work before the first run made one. */
export async function doctor(config: Config, options: DoctorOptions): Promise<DoctorSummary> {
  const env = options.env ?? process.env;
  // Each check opens its own gateway, outside the shared budget: a handful of read-only calls.
  const report = await runDoctor(config, async () => (await connectOkta(config, { emitter: options.emitter, clock: systemClock, env }, { joinBudget: false })).okta);
  const failed = report.checks.filter((c) => c.status === 'fail');
  const exitCode = failed.length === 0 ? EXIT_CODES.done : failed[0]?.name === 'token and users' ? EXIT_CODES.fatal : EXIT_CODES.attention;
  return { report, exitCode };
}
