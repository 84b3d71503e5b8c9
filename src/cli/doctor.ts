import type { Command } from 'commander';
import type { DoctorReport } from '../app/doctor.js';
import { doctor } from '../commands/doctor.js';
import { loadConfig } from '../config/load.js';
import { CoreEmitter } from '../core/events.js';
import { jsonText, terminalText } from '../core/terminal-text.js';
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
    // Each check opens its own gateway: a credential warning (a key file others can read) is shown once.
    const warned = new Set<string>();
    emitter.on('warning', (w) => {
      if (warned.has(w.message)) return;
      warned.add(w.message);
      process.stderr.write(`efs-okta: warning: ${terminalText(w.message)}\n`);
    });
    const { report, exitCode } = await doctor(config, { emitter, env: process.env });
    process.stdout.write(o.json ? `${jsonText(report, 2)}\n` : render(config.installation, report));
    process.exitCode = exitCode;
  });
}

function render(installation: string, report: DoctorReport): string {
  const lines = report.checks.map((c) => `${c.status.toUpperCase().padEnd(4)}  ${c.name}: ${terminalText(c.detail)}`);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  return `efs-okta doctor · installation ${terminalText(installation)}\n${lines.join('\n')}\n${failed === 0 ? 'no blocking problem found' : `${failed} check(s) failed: fix them before users create`}\n`;
}
