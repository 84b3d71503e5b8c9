import http from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../core/clock.js';
import type { Ctx, Reply } from './context.js';
import { E, SimApiError } from './errors.js';
import type { Faults } from './faults.js';
import type { BucketName } from './options.js';
import type { Org } from './org.js';
import type { RateLimiter, RateVerdict } from './rate-limits.js';
import { matchRoute, routeError } from './router.js';
import { inspectionRoute } from './routes/inspect.js';
import type { SimStats } from './stats.js';
import type { SimOAuth } from './oauth.js';
import { IdMaker, Rng } from './random.js';

/**
 * The HTTP front: every /api/v1 request goes through concurrency → authentication → rate limit →
 * scope → faults → route, and every answer carries X-Okta-Request-Id, X-Rate-Limit-* and a Date
 * from the injected clock (Okta's SDK computes its 429 wait as Reset − Date + 1 s).
 */
export interface ServerControls {
  /** The API token; null = revoked (every API call answers 401 E0000011). */
  token: string | null;
  /** The token the simulator started with; it always opens /__sim/ (even once revoked). */
  readonly inspectToken: string;
  /** More tokens of the org (each with its own share of the buckets); revoking `token` leaves them. */
  readonly extraTokens: ReadonlySet<string>;
  concurrency: number;
  deniedBuckets: Set<BucketName>;
  windowMs: number;
}

export interface ServerDeps {
  org: Org;
  clock: Clock;
  limiter: RateLimiter;
  faults: Faults;
  stats: SimStats;
  controls: ServerControls;
  oauth: SimOAuth;
  onReset: () => void;
}

const MAX_BODY = 1 << 20;

function bearer(req: http.IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^(SSWS|Bearer)\s+(.+)$/i.exec(h.trim());
  return m ? (m[2] as string) : null;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? '\u0000too-large' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function createSimServer(deps: ServerDeps): http.Server {
  const { org, clock, limiter, faults, stats, controls, oauth } = deps;
  const requestIds = new IdMaker(new Rng(null));
  let dateSecond = -1;
  let dateText = '';
  const httpDate = (): string => {
    const now = clock.now();
    const sec = Math.floor(now / 1000);
    if (sec !== dateSecond) {
      dateSecond = sec;
      dateText = new Date(now).toUTCString();
    }
    return dateText;
  };

  const send = (res: http.ServerResponse, reply: Reply, requestId: string, rate: RateVerdict | null): void => {
    if (res.destroyed) return;
    res.setHeader('X-Okta-Request-Id', requestId);
    res.setHeader('Date', httpDate());
    if (rate) {
      res.setHeader('X-Rate-Limit-Limit', String(rate.limit));
      res.setHeader('X-Rate-Limit-Remaining', String(rate.remaining));
      res.setHeader('X-Rate-Limit-Reset', String(rate.reset));
    }
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status);
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  const errorReply = (e: SimApiError, requestId: string): Reply => ({ status: e.status, body: e.toBody(requestId) });

  const parseBody = (raw: string): unknown => {
    if (raw === '\u0000too-large') throw E.malformed('The request body is too large');
    if (raw.trim() === '') return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw E.malformed('The request body is not valid JSON');
    }
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = requestIds.make('sim', 27);
    const raw = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const baseUrl = `http://${req.headers.host ?? 'localhost'}`;
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;

    if (path.startsWith('/__sim/')) {
      const t = bearer(req);
      let reply: Reply;
      try {
        if (t === null || (t !== controls.inspectToken && t !== controls.token)) throw E.invalidToken();
        reply = inspectionRoute(method, path, parseBody(raw), deps);
      } catch (e) {
        reply = errorReply(e instanceof SimApiError ? e : E.internal(), requestId);
      }
      stats.record('inspect', reply.status);
      send(res, reply, requestId, null);
      return;
    }

    if (path === '/oauth2/v1/token') {
      const reply = method === 'POST'
        ? await oauth.token(new URLSearchParams(raw), header(req, 'dpop'), new URL(req.url ?? '/', baseUrl), clock.now())
        : errorReply(E.methodNotAllowed(), requestId);
      stats.record('other', reply.status);
      send(res, reply, requestId, null);
      return;
    }

    const match = matchRoute(method, path);
    const bucket = match.bucket;
    const inFlight = stats.enter();
    try {
      if (controls.concurrency > 0 && inFlight > controls.concurrency) {
        stats.concurrencyLimited++;
        stats.record(bucket, 429);
        // Okta's concurrency 429 reports Limit 0 / Remaining 0; its Reset is only a hint.
        const hint = { allowed: false, limit: 0, remaining: 0, reset: Math.ceil((clock.now() + controls.windowMs) / 1000) };
        send(res, errorReply(E.rateLimited(), requestId), requestId, hint);
        return;
      }
      let token = bearer(req);
      if (token === null || !(token === controls.token || controls.extraTokens.has(token))) {
        const auth = header(req, 'authorization');
        const viaOAuth = oauth.apps.size > 0 && auth !== undefined && /^(Bearer|DPoP)\s/i.test(auth)
          ? await oauth.authenticate(auth, header(req, 'dpop'), method, new URL(req.url ?? '/', baseUrl), clock.now())
          : null;
        if (viaOAuth === null || 'reply' in viaOAuth) {
          stats.unauthorized++;
          stats.record(bucket, 401);
          send(res, viaOAuth?.reply ?? errorReply(E.invalidToken(), requestId), requestId, limiter.peek(bucket, clock.now()));
          return;
        }
        token = viaOAuth.key;
      }
      const rate = limiter.take(bucket, token, clock.now());
      if (!rate.allowed) {
        stats.rateLimited++;
        stats.record(bucket, 429);
        send(res, errorReply(E.rateLimited(), requestId), requestId, rate);
        return;
      }
      const plan = faults.next();
      if (plan.delayMs > 0) await clock.sleep(plan.delayMs);
      if (plan.drop) {
        stats.dropped++;
        stats.record(bucket, 'dropped');
        req.socket.destroy();
        return;
      }
      let reply: Reply;
      if (plan.fail) {
        stats.failed++;
        reply = errorReply(E.internal(), requestId);
      } else {
        try {
          if (controls.deniedBuckets.has(bucket)) throw E.accessDenied();
          if (!match.route) throw routeError(match, path);
          const ctx: Ctx = { method, path, params: match.params, query: url.searchParams, body: parseBody(raw), baseUrl, org, now: clock.now() };
          reply = match.route.handler(ctx);
        } catch (e) {
          if (!(e instanceof SimApiError)) {
            process.stderr.write(`okta simulator: unexpected error on ${method} ${path}: ${e instanceof Error ? e.message : String(e)}\n`);
          }
          reply = errorReply(e instanceof SimApiError ? e : E.internal(), requestId);
        }
      }
      stats.record(bucket, reply.status);
      send(res, reply, requestId, rate);
    } finally {
      stats.leave();
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      process.stderr.write(`okta simulator: ${e instanceof Error ? e.message : String(e)}\n`);
      if (!res.headersSent) {
        res.writeHead(500);
        res.end();
      }
    });
  });
  server.keepAliveTimeout = 10_000;
  return server;
}

/** Closes the server and every kept-alive socket. */
export function closeServer(server: http.Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    for (const s of sockets) s.destroy();
  });
}
