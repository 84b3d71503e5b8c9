import type { Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { writePrivateFile } from '../files/private-file.js';
import { verify } from '../commands/verify.js';
import type { VerifyResult } from '../users/verify.js';
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
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: true });
    try {
      const verified = await verify(rt);
      const result = verified.summary;
      if (o.output) {
        const lines = [csvLine(['type', 'kind', 'key', 'login', 'okta_id', 'expected', 'actual'])];
        for (const d of result.differences) lines.push(csvLine([d.type, d.kind, d.key, d.login, d.oktaId, d.expected, d.actual]));
        writePrivateFile(o.output, lines.join(''), 'the differences');
      }
      process.stdout.write(o.json ? `${jsonText(result, 2)}\n` : renderVerify(result, o.output !== undefined));
      process.exitCode = verified.exitCode;
    } finally {
      rt.close();
    }
  });
}

/** The verdict; with `toFile` (-o) the table's cut-off does not suggest -o again. */
export function renderVerify(result: VerifyResult, toFile: boolean): string {
  if (result.differences.length === 0) {
    const later = result.passwordSetSinceRefresh ? `${result.passwordSetSinceRefresh} PROVISIONED user(s) have set a password since the last refresh: "efs-okta users refresh" records it\n` : '';
    return `journal and Okta agree: ${result.checked} users checked, ${result.groupMembers} group members\n${later}`;
  }
  const rows: string[][] = [['difference', 'kind', 'key', 'okta id', 'expected', 'actual']];
  for (const d of result.differences.slice(0, 50)) rows.push([d.type, d.kind ?? '', d.key ?? '', d.oktaId, d.expected, d.actual]);
  return `${result.differences.length} differences (${result.checked} users checked):\n${table(rows)}\n${result.differences.length > 50 ? `… and ${result.differences.length - 50} more${toFile ? '' : ' (use -o FILE for all)'}\n` : ''}`;
}
