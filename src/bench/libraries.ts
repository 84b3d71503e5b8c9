import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Parser } from 'csv-parse';
import { CoreEmitter } from '../core/events.js';
import { attachProgress } from '../report/progress.js';
import { CsvTokenizer, UnterminatedQuoteError, type CsvRecord } from '../source/csv-tokenizer.js';
import { numbersAsText } from '../source/jsonl.js';

/**
 * Hand-written code beside the well-kept library that could replace it, measured in one run:
 *   CSV          source/csv-tokenizer.ts  vs csv-parse (a dependency already: the naive-SDK script uses it)
 *   JSON numbers source/jsonl.ts re-quote vs lossless-json
 *   progress bar report/progress.ts       vs cli-progress
 *   NDJSON lines report/progress.ts       vs pino
 * The last three are not dependencies; install them without saving to measure them
 * (`npm i --no-save lossless-json@4 cli-progress@3 pino@10`), else their rows say so.
 *   EFS_OKTA_BENCH_LIB_ROWS   CSV rows (default 300,000; JSON lines are a third of that)
 */
type Result = Record<string, number | string>;
type Lib = Record<string, unknown>;

const CHUNK = 256 * 1024;
/** csv-parse as close to the tokenizer as its options go. */
const LENIENT = { delimiter: ';', relax_quotes: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'], skip_empty_lines: true, info: true };

async function optional(name: string): Promise<Lib | null> {
  try {
    return (await import(name)) as Lib;
  } catch {
    return null;
  }
}

/** Milliseconds of `fn`, best of three (the machine is shared). */
async function best(fn: () => unknown): Promise<number> {
  return (await interleaved([fn]))[0] as number;
}

/** Best-of-five milliseconds of each function, run in turn each round so load and JIT warm-up fall on all alike. */
async function interleaved(fns: (() => unknown)[], rounds = 5): Promise<number[]> {
  const min = fns.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    for (const [i, fn] of fns.entries()) {
      const t = performance.now();
      await fn();
      min[i] = Math.min(min[i] as number, performance.now() - t);
    }
  }
  return min;
}

function csvText(rows: number): string[] {
  const lines = ['pcode;u_email;u_firstname;u_name;p_status;last_login'];
  for (let i = 0; i < rows; i++) {
    const name = i % 10 === 0 ? `"Müller; ""Jr."""` : 'Meyer';
    lines.push(`P${i};user${i}@example.org;Anna;${name};active;2024-0${(i % 9) + 1}-15 10:00:00`);
  }
  const text = lines.join('\r\n');
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) chunks.push(text.slice(i, i + CHUNK));
  return chunks;
}

function tokenize(chunks: string[], maxField = 64 * 1024): CsvRecord[] {
  const t = new CsvTokenizer(';', maxField);
  const out: CsvRecord[] = [];
  for (const c of chunks) t.push(c, out);
  t.end(out);
  return out;
}

/** csv-parse as a stream, its main API; `lines` is where csv-parse says the record is. */
function csvParse(chunks: string[], options: Record<string, unknown> = {}, onHeap?: () => void): Promise<{ lines: number[]; records: string[][]; error: string | null }> {
  return new Promise((resolve) => {
    const records: string[][] = [];
    const lines: number[] = [];
    const parser = new Parser({ ...LENIENT, ...options });
    parser.on('data', (r: { record: string[]; info: { lines: number } }) => {
      records.push(r.record);
      lines.push(r.info.lines);
    });
    parser.on('error', (err: Error & { code?: string }) => resolve({ lines, records, error: err.code ?? err.message }));
    parser.on('end', () => resolve({ lines, records, error: null }));
    for (const c of chunks) {
      parser.write(c);
      onHeap?.();
    }
    parser.end();
  });
}

/** What the tests pin (test/source/csv-tokenizer.test.ts, bad-input), checked against both readers. */
async function csvPins(): Promise<{ ours: string[]; lib: string[]; total: number }> {
  const tricky = 'a;b;c\r\n"x;y";"say ""hi""";"multi\r\nline"\r\n\r\n1;2;3\n\n;;\n4;"5\n\n5";6\r7;8;9';
  const starts = [1, 2, 5, 8, 11];
  const long = `k;${'z'.repeat(5000)};v\nq;r;s`;
  const unterminated = 'a;b\n1;2\n3;"open\nmore\n';
  const pins: [string, () => boolean, () => Promise<boolean>][] = [
    ['line where each record starts', () => tokenize([tricky]).map((r) => r.line).join() === starts.join(), async () => {
      const r = await csvParse([tricky]);
      return r.lines.filter((_, i) => r.records[i]?.join('') !== '').join() === starts.join();
    }],
    ['LF, CRLF and a lone CR in one file', () => tokenize([tricky]).length === 5, async () => (await csvParse([tricky])).records.filter((r) => r.join('') !== '').length === 5],
    ['delimiter-only line skipped, quoted "" kept', () => tokenize(['a;b\n;;;\n""\n']).length === 2, async () => (await csvParse(['a;b\n;;;\n""\n'])).records.length === 2],
    ['text after a closing quote flagged, not guessed', () => tokenize(['"Anna"x;y'])[0]?.badQuotes === true, async () => false /* read as `"Anna"x`, quotes kept, no flag exists */],
    ['over-long field cut and flagged, later rows kept', () => tokenize([long], 100)[0]?.overlong?.[0] === 1 && tokenize([long], 100).length === 2, async () => (await csvParse([long], { max_record_size: 100, skip_records_with_error: true })).records.length === 2],
    ['unterminated quote names the line it opens on', () => {
      try {
        tokenize([unterminated]);
        return false;
      } catch (err) {
        return err instanceof UnterminatedQuoteError && err.line === 3;
      }
    }, async () => /line 3\b/.test((await csvParse([unterminated])).error ?? '')],
    ['quote inside an unquoted value is literal', () => tokenize(['O"Brien;x'])[0]?.fields[0] === 'O"Brien', async () => (await csvParse(['O"Brien;x'])).records[0]?.[0] === 'O"Brien'],
  ];
  const ours: string[] = [];
  const lib: string[] = [];
  for (const [name, a, b] of pins) {
    if (!a()) ours.push(name);
    if (!(await b())) lib.push(name);
  }
  return { ours, lib, total: pins.length };
}

/** Largest heap growth while one record with a `mb` MB quoted field streams through. */
async function heapForHugeField(mb: number, run: (chunks: string[], sample: () => void) => Promise<unknown>): Promise<number> {
  const field = 'z'.repeat(CHUNK);
  const chunks = ['a;b\r\n1;"', ...Array.from({ length: (mb * 1024 * 1024) / CHUNK }, () => field), '"\r\n2;3\r\n'];
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  await run(chunks, () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  });
  return Math.round((peak - base) / (1024 * 1024));
}

async function benchCsv(rows: number): Promise<Result> {
  const chunks = csvText(rows);
  const [oursMs, libMs] = (await interleaved([() => tokenize(chunks), () => csvParse(chunks)], 3)) as [number, number];
  const oursHeap = await heapForHugeField(64, async (c, sample) => {
    const t = new CsvTokenizer(';', 64 * 1024);
    const out: CsvRecord[] = [];
    for (const x of c) {
      t.push(x, out);
      sample();
    }
  });
  const libHeap = await heapForHugeField(64, (c, sample) => csvParse(c, {}, sample));
  const pins = await csvPins();
  return {
    'csv: rows': rows,
    'csv: csv-tokenizer': `${Math.round(rows / (oursMs / 1000)).toLocaleString('en')} rows/s`,
    'csv: csv-parse (stream, lenient options)': `${Math.round(rows / (libMs / 1000)).toLocaleString('en')} rows/s, time ÷ tokenizer ${(libMs / oursMs).toFixed(2)}`,
    'csv: heap growth, one 64 MB field': `tokenizer ${oursHeap} MB, csv-parse ${libHeap} MB (its max_record_size instead ends the parse or drops the rows after it)`,
    'csv: pinned behaviours kept': `tokenizer ${pins.total - pins.ours.length}/${pins.total}, csv-parse ${pins.total - pins.lib.length}/${pins.total}`,
    'csv: csv-parse misses': pins.lib.join('; ') || 'none',
  };
}

function jsonLines(n: number, withNumbers: boolean): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = withNumbers ? String(10_000_000 + i) : `"P${i}"`;
    lines.push(`{"pcode":${id},"u_email":"user${i}@example.org","u_firstname":"Anna","u_name":"Müller","p_status":"active","score":${withNumbers ? '12345678901234567891' : '"x"'}}`);
  }
  return lines;
}

/** Today's path: JSON.parse, and a second parse of the re-quoted text when a value is a number. */
function oursJson(line: string): unknown {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  return Object.values(parsed).some((v) => typeof v === 'number') ? JSON.parse(numbersAsText(line)) : parsed;
}

async function benchJson(n: number): Promise<Result> {
  const lj = await optional('lossless-json');
  const out: Result = { 'json: lines': n };
  for (const withNumbers of [true, false]) {
    const lines = jsonLines(n, withNumbers);
    const tag = withNumbers ? 'json, numbers in the line' : 'json, strings only';
    const rate = (ms: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en')} lines/s`;
    const parse = lj?.parse as ((text: string) => unknown) | undefined;
    const ours = (): void => lines.forEach(oursJson);
    if (!parse) {
      out[`${tag}: JSON.parse + re-quote`] = rate(await best(ours));
      continue;
    }
    const [oursMs, libMs, hybridMs] = (await interleaved([
      ours,
      () => lines.forEach((l) => parse(l)),
      () => lines.forEach((l) => {
        const p = JSON.parse(l) as Record<string, unknown>;
        return Object.values(p).some((v) => typeof v === 'number') ? parse(l) : p;
      }),
    ])) as [number, number, number];
    out[`${tag}: JSON.parse + re-quote`] = rate(oursMs);
    out[`${tag}: lossless-json alone`] = `${rate(libMs)}, time ÷ ours ${(libMs / oursMs).toFixed(2)}`;
    out[`${tag}: JSON.parse + lossless-json for numbers`] = `${rate(hybridMs)}, time ÷ ours ${(hybridMs / oursMs).toFixed(2)}`;
  }
  if (!lj) out['json: lossless-json'] = 'not installed (npm i --no-save lossless-json@4)';
  return out;
}

const PROGRESS = { phase: 'create', done: 500, total: 1000, ratePerMinute: 480, rateLimited: 0, etaMs: 62_500 };
const UPDATES = 20_000;

function sink(tty: boolean): NodeJS.WriteStream & { bytes: number; text: string; redraws: number; lines: number } {
  const s = { bytes: 0, text: '', redraws: 0, lines: 0, isTTY: tty, columns: 120, write(text: string) {
    s.bytes += Buffer.byteLength(text);
    if (s.text.length < 100_000) s.text += text;
    if (text.includes(`/${PROGRESS.total}`)) s.redraws++;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) s.lines++;
    return true;
  }, on: () => s, removeListener: () => s, cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
  return s as unknown as NodeJS.WriteStream & { bytes: number; text: string; redraws: number; lines: number };
}

/** What a renderer wrote for the 3 × UPDATES updates: redraws on a terminal, lines (and of what) otherwise. */
function lines(s: { bytes: number; text: string; redraws: number; lines: number }, tty: boolean): string {
  if (tty) return `${s.redraws} redraws, ${Math.round(s.bytes / 1024)} KiB`;
  const first = s.text.split('\n')[0] ?? '';
  return `${s.lines} lines${first ? `, e.g. ${first.slice(0, 60)}` : ''}`;
}

async function importMs(name: string): Promise<[Lib | null, number]> {
  const t = performance.now();
  const lib = await optional(name);
  return [lib, performance.now() - t];
}

async function benchProgress(): Promise<Result> {
  const out: Result = {};
  const us = (ms: number): string => `${((ms * 1000) / UPDATES).toFixed(2)} µs`;
  for (const tty of [true, false]) {
    const s = sink(tty);
    const emitter = new CoreEmitter();
    const off = attachProgress(emitter, s, tty);
    const ms = await best(() => {
      for (let i = 0; i < UPDATES; i++) emitter.emit('progress', { ...PROGRESS, done: i });
    });
    off();
    out[`progress, ${tty ? 'terminal' : 'not a terminal'}: report/progress.ts`] = `${us(ms)} per update; wrote ${lines(s, tty)}`;
  }
  const [cli, cliMs] = await importMs('cli-progress');
  if (cli) {
    for (const tty of [true, false]) {
      const s = sink(tty);
      const Bar = (cli as { SingleBar: new (o: object) => { start(t: number, v: number, payload: object): void; update(v: number): void; stop(): void } }).SingleBar;
      const bar = new Bar({ stream: s, fps: 1e6, format: 'create {bar} {value}/{total}  {rate}/min  429s {r}  ETA {eta_formatted}', noTTYOutput: !tty });
      const ms = await best(() => {
        bar.start(PROGRESS.total, 0, { rate: PROGRESS.ratePerMinute, r: 0 });
        for (let i = 0; i < UPDATES; i++) bar.update(i);
        bar.stop();
      });
      out[`progress, ${tty ? 'terminal' : 'not a terminal'}: cli-progress`] = `${us(ms)} per update; wrote ${lines(s, tty)}`;
    }
    out['progress: cli-progress import'] = `${cliMs.toFixed(1)} ms`;
  } else {
    out['progress: cli-progress'] = 'not installed (npm i --no-save cli-progress@3)';
  }
  return out;
}

async function benchNdjson(): Promise<Result> {
  const dir = await mkdtemp(path.join(tmpdir(), 'efs-okta-bench-libs-'));
  const out: Result = {};
  try {
    const file = path.join(dir, 'ours.ndjson');
    const fh = await open(file, 'w');
    const stream = fh.createWriteStream();
    const emitter = new CoreEmitter();
    const off = attachProgress(emitter, stream as unknown as NodeJS.WriteStream, false);
    const oursMs = await best(() => {
      for (let i = 0; i < UPDATES; i++) emitter.emit('progress', { ...PROGRESS, done: i });
    });
    off();
    await new Promise((r) => stream.end(r));
    out['ndjson: report/progress.ts (JSON.stringify + write)'] = `${((oursMs * 1000) / UPDATES).toFixed(2)} µs per line`;
    const [pino, pinoMs] = await importMs('pino');
    if (!pino) {
      out['ndjson: pino'] = 'not installed (npm i --no-save pino@10)';
      return out;
    }
    type Pino = ((o: object, d: unknown) => { info(o: object): void; flush(): void }) & { destination(o: object): unknown };
    const make = (pino.default ?? pino) as Pino;
    const logger = make({ base: null, formatters: { level: () => ({}) }, timestamp: () => `,"at":"${new Date().toISOString()}"` }, make.destination({ dest: path.join(dir, 'pino.ndjson'), sync: true }));
    const libMs = await best(() => {
      for (let i = 0; i < UPDATES; i++) logger.info({ type: 'progress', ...PROGRESS, done: i });
    });
    logger.flush();
    out['ndjson: pino (sync destination, our fields)'] = `${((libMs * 1000) / UPDATES).toFixed(2)} µs per line, time ÷ ours ${(libMs / oursMs).toFixed(2)}`;
    out['ndjson: pino import'] = `${pinoMs.toFixed(1)} ms`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

/** The `npm run bench` section. */
export async function benchLibrariesSection(): Promise<Result> {
  const rows = Number(process.env.EFS_OKTA_BENCH_LIB_ROWS ?? 300_000);
  if (!Number.isInteger(rows) || rows < 3) throw new Error(`EFS_OKTA_BENCH_LIB_ROWS=${String(process.env.EFS_OKTA_BENCH_LIB_ROWS)}: a whole number ≥ 3`);
  return { ...(await benchCsv(rows)), ...(await benchJson(Math.floor(rows / 3))), ...(await benchProgress()), ...(await benchNdjson()) };
}
