import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../sim/index.js';
import { encodeCursor } from '../sim/pagination.js';

/**
 * Benchmark of the Okta simulator itself, so it is never what the other benchmarks measure:
 * - throughput with every limit off, from one local client over a keep-alive agent with many
 *   requests in flight (target ≥ 5,000 requests/s on 2 cores): user gets and user creates. The
 *   simulator runs as `efs-okta sim` in its own process when the built CLI is there (as in a
 *   rehearsal: client and simulator each get a core), else in this process;
 * - memory for 1,000,000 users inserted through the in-process store (target < 2 GiB), and the
 *   cost of a login lookup and of a deep page in that org (must not be O(n²)).
 * Prints nothing itself.
 */
export interface SimBenchOptions {
  users?: number;
  requests?: number;
  concurrency?: number;
}

export const THROUGHPUT_TARGET_RPS = 5_000;
export const MEMORY_TARGET_MB = 2048;
const MB = 1024 * 1024;

interface Answer {
  status: number;
  body: string;
}

interface Target {
  host: string;
  port: number;
  token: string;
}

function request(agent: http.Agent, sim: Target, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent, host: sim.host, port: sim.port, method, path,
        headers: { Authorization: `SSWS ${sim.token}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `total` requests with `concurrency` in flight; returns requests per second. */
async function drive(total: number, concurrency: number, one: (i: number) => Promise<Answer>, expectStatus: number): Promise<number> {
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        if ((await one(i)).status !== expectStatus) failures++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  if (failures > 0) throw new Error(`simulator bench: ${failures} of ${total} requests failed`);
  return Math.round(total / seconds);
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function benchSimulator(options: SimBenchOptions = {}): Promise<Record<string, number | string>> {
  const total = options.requests ?? 20_000;
  const concurrency = options.concurrency ?? 64;
  const userCount = options.users ?? 1_000_000;
  const out: Record<string, number | string> = {};

  // A CLI that cannot start (e.g. a broken build) falls back to measuring in-process.
  const external = await startExternal().catch(() => null);
  const sim = await startSimulator({ noLimits: true, seed: 1 });
  const target: Target = external?.target ?? { host: sim.host, port: sim.port, token: sim.token };
  out['simulator process'] = external ? 'separate (efs-okta sim)' : 'in-process';
  let agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const seedUser = await request(agent, target, 'POST', '/api/v1/users?activate=false',
      JSON.stringify({ profile: { login: 'bench@example.com', email: 'bench@example.com', firstName: 'B', lastName: 'B' } }));
    const id = (JSON.parse(seedUser.body) as { id: string }).id;
    await drive(1_000, concurrency, () => request(agent, target, 'GET', `/api/v1/users/${id}`), 200);
    out['get user (req/s)'] = await drive(total, concurrency, () => request(agent, target, 'GET', `/api/v1/users/${id}`), 200);
    out['create user (req/s)'] = await drive(total / 2, concurrency, (i) => {
      const login = `load${i}@example.com`;
      return request(agent, target, 'POST', '/api/v1/users?activate=false',
        JSON.stringify({ profile: { login, email: login, firstName: 'Load', lastName: String(i) } }));
    }, 200);
    out['throughput target (req/s)'] = THROUGHPUT_TARGET_RPS;
    // The insert loop below blocks for seconds: idle kept-alive sockets would time out under it.
    agent.destroy();
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    if (external) await stopExternal(external.child);
    sim.reset();

    gc();
    const before = process.memoryUsage();
    const t0 = performance.now();
    const now = Date.now();
    for (let i = 0; i < userCount; i++) {
      const login = `panelist.${i}@panel.example.com`;
      sim.org.users.insert({
        id: sim.org.newId('00u'), status: i % 10 === 0 ? 'ACTIVE' : 'STAGED', login, email: login,
        firstName: 'Panelist', lastName: `Number ${i}`, extra: null, credential: 'none', providerType: 'OKTA', created: now,
      });
    }
    out['insert users (users/s)'] = Math.round(userCount / ((performance.now() - t0) / 1000));
    gc();
    const after = process.memoryUsage();
    out.users = sim.org.users.size;
    out['heap for users (MB)'] = Math.round((after.heapUsed - before.heapUsed) / MB);
    out['heapUsed (MB)'] = Math.round(after.heapUsed / MB);
    out['rss (MB)'] = Math.round(after.rss / MB);
    out['memory target (MB)'] = MEMORY_TARGET_MB;

    const last = `panelist.${userCount - 1}@panel.example.com`;
    let t = performance.now();
    const byLogin = await request(agent, sim, 'GET', `/api/v1/users?filter=${encodeURIComponent(`profile.login eq "${last}"`)}`);
    out['filter by login in full org (ms)'] = Math.round(performance.now() - t);
    if (byLogin.status !== 200 || !byLogin.body.includes(last)) throw new Error('simulator bench: login filter did not find the user');
    // Pages deep in the org (from 90 % in): each must cost O(log n + page), not a scan from the start.
    const pages = 50;
    let path: string | undefined = `/api/v1/users?limit=200&after=${encodeCursor(Math.floor(userCount * 0.9))}`;
    t = performance.now();
    let fetched = 0;
    while (path && fetched < pages) {
      const current: string = path;
      const link = await new Promise<string>((resolve, reject) => {
        const req = http.request({ agent, host: sim.host, port: sim.port, path: current, headers: { Authorization: `SSWS ${sim.token}` } }, (r) => {
          r.resume();
          r.on('end', () => resolve(String(r.headers.link ?? '')));
        });
        req.on('error', reject);
        req.end();
      });
      fetched++;
      path = /<http:\/\/[^/]+(\/api\/v1\/users\?[^>]*)>; rel="next"/.exec(link)?.[1];
    }
    out['deep list page of 200 (ms)'] = Math.round(((performance.now() - t) / fetched) * 10) / 10;
  } finally {
    agent.destroy();
    await sim.stop();
    if (external) await stopExternal(external.child);
  }
  return out;
}

/** Starts the built CLI's simulator (`dist/cli/main.js sim`) on a free port, if it is there. */
async function startExternal(): Promise<{ child: ChildProcess; target: Target } | null> {
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  if (!existsSync(cli)) return null;
  const token = 'bench-token-not-secret';
  const child = spawn(process.execPath, [cli, 'sim', '--port', '0', '--no-limits', '--token', token], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /okta simulator listening on (http:\/\/\S+)/.exec(text);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`efs-okta sim exited with ${String(code)} before it was ready`)));
  });
  const u = new URL(url);
  return { child, target: { host: u.hostname, port: Number(u.port), token } };
}

function stopExternal(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
