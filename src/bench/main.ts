import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: every benchmark in its own child process (so one's peak RSS is not another's),
 * results printed side by side. Performance claims live here, never in timed tests.
 *   npm run bench                    all sections
 *   npm run bench -- sim records     only these sections
 */
type Result = Record<string, number | string>;

const SECTIONS: Record<string, { title: string; run: () => Promise<Result> }> = {
  sim: { title: 'simulator: throughput with limits off, memory for 1,000,000 users', run: async () => (await import('./sim.js')).benchSimulator() },
  records: { title: 'CSV source → normalize/classify, 1,000,000 panelists', run: async () => (await import('./records.js')).benchRecords() },
  mariadb: { title: 'MariaDB source, 1,000,000 panelist rows', run: async () => (await import('./mariadb.js')).benchMariaDb() },
  governor: { title: 'governor against the simulator at 600/min, 100–200 ms latency, alone and with another tenant at 40 %', run: async () => (await import('./governor.js')).benchGovernorSection() },
  plan: { title: 'plan (source → journal snapshot → diff), 1,000,000 panelists', run: async () => (await import('./plan.js')).benchPlan() },
  'plan-mariadb': { title: 'plan from MariaDB (type: database, preflight + stream → snapshot → diff), 1,000,000 panelists: beside the CSV plan above', run: async () => (await import('./plan-mariadb.js')).benchPlanMariaDb() },
  e2e: { title: 'users create end to end with limits off (CSV → snapshot → SDK → simulator in its own process → journal)', run: async () => (await import('./e2e.js')).benchE2eSection() },
  budget: { title: 'many installations, one org: three runs on one token vs one run of the same total; three tokens, local ledger and Redis (6 s windows, 100–200 ms)', run: async () => (await import('./budget.js')).benchBudgetSection() },
  libraries: { title: 'hand-written code beside the library that could replace it: CSV tokenizer vs csv-parse, JSON number re-quote vs lossless-json, progress bar vs cli-progress, NDJSON lines vs pino', run: async () => (await import('./libraries.js')).benchLibrariesSection() },
  alternatives: { title: "against the alternatives: SDK loop, SDK × 10, efs-okta users create (600/min, 100–200 ms; Okta's default token limit, and one raised to 100 %), and a SIGKILL halfway", run: async () => (await import('./alternatives.js')).benchAlternativesSection() },
};

async function runChild(section: string): Promise<Result> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', self, '--child', section], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Result);
      } catch {
        resolve({ error: `exit ${code}: ${out.slice(-500)}` });
      }
    });
  });
}

function print(section: string, result: Result): void {
  const s = SECTIONS[section];
  process.stdout.write(`\n== ${section}: ${s?.title ?? ''}\n`);
  const width = Math.max(...Object.keys(result).map((k) => k.length));
  for (const [k, v] of Object.entries(result)) process.stdout.write(`  ${k.padEnd(width)}  ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(3)) : v}\n`);
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    const section = SECTIONS[argv[1] ?? ''];
    if (!section) throw new Error(`unknown section ${argv[1]}`);
    const result = await section.run();
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
    return;
  }
  const wanted = argv.length ? argv : Object.keys(SECTIONS);
  for (const name of wanted) {
    if (!SECTIONS[name]) {
      process.stderr.write(`unknown bench section ${name}; sections: ${Object.keys(SECTIONS).join(', ')}\n`);
      process.exitCode = 2;
      return;
    }
  }
  process.stdout.write(`efs-okta benchmarks (${new Date().toISOString()}, node ${process.version})\n`);
  for (const name of wanted) print(name, await runChild(name));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
