import type { Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { writePrivateFile } from '../files/private-file.js';
import { verifyUsers } from '../users/verify.js';
import { csvLine } from '../report/csv.js';
import { table } from '../report/summary.js';
import { configFlags, withConfigOptions, type ConfigOptionValues } from './options.js';
import { jsonText } from '../core/terminal-text.js';

export function register(program: Command): void {
  withConfigOptions(
    program
      .command('verify')
      .description('reconcile journal and Okta: users missing, in an unexpected status, with drifted profiles, or in the groups without being in the journal')
      .option('--json', 'print the result as JSON')
      .option('-o, --output <file>', 'also write the differences as CSV to FILE'),
  ).action(async (o: ConfigOptionValues & { json?: boolean; output?: string }) => {
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: true, lock: 'verify' });
    try {
      const result = await verifyUsers({ journal: rt.journal, okta: rt.okta! });
      if (o.output) {
        const lines = [csvLine(['type', 'kind', 'key', 'login', 'okta_id', 'expected', 'actual'])];
        for (const d of result.differences) lines.push(csvLine([d.type, d.kind, d.key, d.login, d.oktaId, d.expected, d.actual]));
        writePrivateFile(o.output, lines.join(''), 'the differences');
      }
      if (o.json) process.stdout.write(`${jsonText(result, 2)}\n`);
      else if (result.differences.length === 0) {
        process.stdout.write(`journal and Okta agree: ${result.checked} users checked, ${result.groupMembers} group members\n`);
        if (result.passwordSetSinceRefresh) process.stdout.write(`${result.passwordSetSinceRefresh} PROVISIONED user(s) have set a password since the last refresh: "efs-okta users refresh" records it\n`);
      } else {
        const rows: string[][] = [['difference', 'kind', 'key', 'okta id', 'expected', 'actual']];
        for (const d of result.differences.slice(0, 50)) rows.push([d.type, d.kind ?? '', d.key ?? '', d.oktaId, d.expected, d.actual]);
        process.stdout.write(`${result.differences.length} differences (${result.checked} users checked):\n${table(rows)}\n${result.differences.length > 50 ? `… and ${result.differences.length - 50} more${o.output ? '' : ' (use -o FILE for all)'}\n` : ''}`);
      }
      process.exitCode = result.differences.length === 0 ? 0 : 1;
    } finally {
      rt.close();
    }
  });
}
