import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { report } from '../commands/report.js';
import { UsageError } from '../core/errors.js';
import { terminalText } from '../core/terminal-text.js';
import { configFlags, withConfigOptions, type ConfigOptionValues } from './options.js';

type ReportFlags = ConfigOptionValues & { format: 'csv' | 'json' | 'html'; output?: string; unmasked?: boolean };

export function register(program: Command): void {
  withConfigOptions(
    program
      .command('report')
      .description('csv/json: one row per record (kind, source key, login, state, reason, Okta id); html: a self-contained report for the customer')
      .addOption(new Option('--format <format>', 'report format').choices(['csv', 'json', 'html']).default('csv'))
      .option('-o, --output <file>', 'write to this file instead of stdout')
      .option('--unmasked', 'html: show logins in full (masked as a***@example.com by default)'),
  ).action(async (o: ReportFlags) => {
    if (o.unmasked && o.format !== 'html') throw new UsageError('USAGE', '--unmasked applies to --format html only (csv and json always list full logins)');
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true });
    try {
      const r = await report(rt, { format: o.format, output: o.output ?? process.stdout, unmasked: o.unmasked });
      if (r.file === null) return;
      process.stderr.write(r.records === null ? `efs-okta: wrote the HTML report to ${terminalText(r.file)}\n` : `efs-okta: wrote ${r.records} records to ${terminalText(r.file)}\n`);
    } finally {
      rt.close();
    }
  });
}
