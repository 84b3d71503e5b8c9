import http from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import os from 'node:os';
import { systemClock, type Clock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import type { CoreEmitter, CoreEventName } from '../core/events.js';
import { StatusFeed, type DashboardPayload } from './feed.js';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './page.js';

export const DEFAULT_DASHBOARD_PORT = 7750;

export interface DashboardOptions {
  /** Journal files to show (read-only); one section each. */
  journals: string[];
  /** Default 127.0.0.1: the page is not meant for the network (it has no login). */
  host?: string;
  /** Default 7750; 0 picks a free port. */
  port?: number;
  /** In-process runs: refresh soon after the core reports progress, not only on the poll. */
  emitter?: CoreEmitter;
  clock?: Clock;
  /** How often the journals are read while a page is open (default 1 s). */
  pollMs?: number;
}

export interface DashboardHandle {
  url: string;
  stop(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const WAKE_EVENTS: CoreEventName[] = ['progress', 'rate:limited', 'request:retry', 'run:started', 'run:finished', 'user:failed', 'portal:failed'];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Serves the read-only dashboard: `/` (page), `/events` (server-sent events, one `status` event per
 * poll), `/api/status` (the same payload as JSON). Everything served is aggregates (see
 * report/status-model.ts): no login, name, email, key or secret.
 */
export async function startDashboard(options: DashboardOptions): Promise<DashboardHandle> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 1000;
  const feed = new StatusFeed(options.journals);
  const clients = new Set<http.ServerResponse>();
  let port = options.port ?? DEFAULT_DASHBOARD_PORT;

  // A big journal takes a while to count (about 0.25 s for 200 000 records): poll no more often than
  // every 4 reads' time, so that the page never takes more than a fifth of a core from the run.
  let readMs = 0;
  const push = (): void => {
    if (clients.size === 0) return;
    const started = performance.now();
    const frame = `event: status\ndata: ${JSON.stringify(feed.read(clock.now()))}\n\n`;
    readMs = performance.now() - started;
    for (const res of clients) res.write(frame);
  };
  let soon: NodeJS.Timeout | null = null;
  const pushSoon = (): void => {
    soon ??= setTimeout(() => {
      soon = null;
      push();
    }, 250);
  };
  const offs = options.emitter ? WAKE_EVENTS.map((e) => options.emitter!.on(e, pushSoon)) : [];

  // DNS rebinding: a page on another site must not read this one through a name that resolves to
  // us. Whatever address it listens on, the page answers only to the names that are ours: an IP
  // address (a page can reach it only from that address's own origin), the loopback names, this
  // machine's host name and the --host value. Any other Host header is refused.
  const hostAllowed = (header: string | undefined): boolean => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header ?? '');
    if (!m || Number(m[2] ?? 80) !== port) return false;
    const name = (m[1] as string).toLowerCase().replace(/^\[|\]$/g, '');
    return isIP(name) !== 0 || LOOPBACK.has(name) || name === os.hostname().toLowerCase() || name === host.toLowerCase();
  };

  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end('read-only\n');
      return;
    }
    if (!hostAllowed(req.headers.host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS }).end('unknown host\n');
      return;
    }
    // A request target such as "//" is no URL at all: answer 404, never throw (a throw here would
    // end the process, and with --dashboard the run with it; any page in the browser can send one).
    let pathname = '';
    try {
      pathname = new URL(req.url ?? '/', 'http://dashboard.invalid').pathname;
    } catch {
      pathname = '';
    }
    const send = (type: string, body: string): void => {
      res.writeHead(200, { 'Content-Type': type, ...SECURITY_HEADERS }).end(req.method === 'HEAD' ? undefined : body);
    };
    switch (pathname) {
      case '/': return send('text/html; charset=utf-8', DASHBOARD_HTML);
      case '/dashboard.js': return send('text/javascript; charset=utf-8', DASHBOARD_JS);
      case '/dashboard.css': return send('text/css; charset=utf-8', DASHBOARD_CSS);
      case '/favicon.ico':
        res.writeHead(204, SECURITY_HEADERS).end();
        return;
      case '/api/status': return send('application/json; charset=utf-8', `${JSON.stringify(feed.read(clock.now()), null, 2)}\n`);
      case '/events': {
        res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', ...SECURITY_HEADERS });
        res.write(`retry: 2000\nevent: status\ndata: ${JSON.stringify(feed.read(clock.now()))}\n\n`);
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS }).end('not found\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE'
        ? new UsageError('DASHBOARD_PORT', `port ${port} on ${host} is in use: pass another --port (0 picks a free one)`, { cause: err, context: { port, host } })
        : new UsageError('DASHBOARD_LISTEN', `cannot serve the dashboard on ${host}:${port}: ${err.message}`, { cause: err, context: { port, host } }));
    });
    server.listen(port, host, () => resolve());
  }).catch((err: unknown) => {
    offs.forEach((off) => off());
    feed.close();
    throw err;
  });
  port = (server.address() as AddressInfo).port;
  let timer: NodeJS.Timeout | null = null;
  let stopping = false;
  const poll = (): void => {
    push();
    if (!stopping) timer = setTimeout(poll, Math.max(pollMs, readMs * 4)).unref();
  };
  timer = setTimeout(poll, pollMs).unref();

  let stopped: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        if (timer) clearTimeout(timer);
        if (soon) clearTimeout(soon);
        offs.forEach((off) => off());
        for (const res of clients) res.end();
        clients.clear();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        feed.close();
      })();
      return stopped;
    },
  };
}

export type { DashboardPayload };
