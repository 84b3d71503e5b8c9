import { readFileSync } from 'node:fs';
import { Client } from '@okta/okta-sdk-nodejs';
import { parse } from 'csv-parse/sync';

/**
 * The script a support engineer would write instead of efs-okta (issue 7, "Against the
 * alternatives"), run by the alternatives bench as a child process:
 *
 *   node dist/bench/naive-sdk.js PANELISTS.CSV CONCURRENCY      (OKTA_ORG_URL, OKTA_API_TOKEN)
 *
 * The official SDK with everything at its defaults (DefaultRequestExecutor: a 429 is retried
 * twice after X-Rate-Limit-Reset, nothing else is), the CSV read whole, one
 * `userApi.createUser({ body: { profile }, activate: false })` per row, CONCURRENCY calls at a
 * time (1: the plain sequential loop). No journal and no error handling: the first error ends it,
 * as it would end the hand-written script. Deliberately not the tool's code: nothing of src/ is used.
 */
async function main(file: string, concurrency: number): Promise<void> {
  const orgUrl = process.env.OKTA_ORG_URL ?? '';
  const token = process.env.OKTA_API_TOKEN ?? '';
  const client = new Client({ orgUrl, token });
  const rows = parse(readFileSync(file), { columns: true, delimiter: ';', skip_empty_lines: true }) as Record<string, string>[];
  let next = 0;
  let created = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const row = rows[next++] as Record<string, string>;
      const email = row.u_email ?? '';
      const profile = { login: email, email, firstName: row.u_firstname ?? '', lastName: row.u_name ?? '' };
      await client.userApi.createUser({ body: { profile }, activate: false });
      created++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    process.stdout.write(`created ${created} of ${rows.length}\n`);
  }
}

const [file, concurrency] = process.argv.slice(2);
main(file ?? 'panelists.csv', Number(concurrency ?? 1)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
