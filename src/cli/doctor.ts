import type { Command } from 'commander';
import { runDoctor, type DoctorReport } from '../app/doctor.js';
import { connectOkta } from '../app/connect-okta.js';
import { loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { CoreEmitter } from '../core/events.js';
import { configFlags, withConfigOptions, type ConfigOptionValues } from './options.js';

/** Exit 0 when every check passed (warnings allowed), 1 when one failed, 3 when the token is refused. */
export function register(program: Command): void {
  withConfigOptions(
    program
      .command('doctor')
      .description('read-only: does the token work (scopes, roles), the org\'s user schema, the token\'s rate share, DPoP, existing groups')
      .option('--json', 'print the checks as JSON'),
  ).action(async (o: ConfigOptionValues & { json?: boolean }) => {
    // No journal: doctor looks at the org only, and must work before the first run made one.
    const config = loadConfig(o.config, configFlags(o), process.env);
    const emitter = new CoreEmitter();
    const report = await runDoctor(config, () => connectOkta(config, { emitter, clock: systemClock, env: process.env }));
    process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : render(config.installation, report));
    const failed = report.checks.filter((c) => c.status === 'fail');
    process.exitCode = failed.length === 0 ? 0 : failed[0]?.name === 'token and users' ? 3 : 1;
  });
}

function render(installation: string, report: DoctorReport): string {
  const lines = report.checks.map((c) => `${c.status.toUpperCase().padEnd(4)}  ${c.name}: ${terminalSafe(c.detail)}`);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  return `efs-okta doctor · installation ${installation}\n${lines.join('\n')}\n${failed === 0 ? 'no blocking problem found' : `${failed} check(s) failed: fix them before users create`}\n`;
}

/** Okta's texts and group names reach the terminal: control and bidi characters are shown escaped. */
function terminalSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
