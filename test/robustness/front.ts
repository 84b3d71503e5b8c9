import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Small HTTP servers for the secrets suite: a front that forwards to the simulator (and may answer
 * some requests itself: an OAuth token endpoint, a redirect, a Link header to elsewhere), and a
 * recorder standing for "another host" that notes every request and its Authorization header.
 */
export interface Seen {
  method: string;
  url: string;
  authorization: string | null;
}

export interface ServerHandle {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

async function listen(host: string, handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}

function closer(server: http.Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, reply: Reply): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...(text ? { 'Content-Type': 'application/json' } : {}), ...reply.headers });
  res.end(text);
}

/** Another host: answers every request 200 `{}` (or an empty list) and records it. */
export async function startRecorder(host: string): Promise<ServerHandle> {
  const seen: Seen[] = [];
  const { server, url } = await listen(host, (req, res) => {
    seen.push({ method: req.method ?? 'GET', url: req.url ?? '/', authorization: req.headers.authorization ?? null });
    send(res, { status: 200, body: req.method === 'GET' ? [] : {} });
  });
  return { url, seen, close: closer(server) };
}

export interface FrontOptions {
  /** Answer this request here instead of forwarding it (null = forward). */
  intercept?: (req: { method: string; url: string; body: string }) => Reply | null;
  /** Change the headers of a forwarded answer. */
  rewrite?: (req: { method: string; url: string }, headers: Record<string, string>) => Record<string, string>;
}

/** Forwards to `target` (the simulator), recording every request it receives. */
export async function startFront(target: string, options: FrontOptions = {}): Promise<ServerHandle> {
  const seen: Seen[] = [];
  const to = new URL(target);
  const { server, url } = await listen('127.0.0.1', (req, res) => {
    void (async () => {
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      seen.push({ method, url: path, authorization: req.headers.authorization ?? null });
      const own = options.intercept?.({ method, url: path, body: body.toString('utf8') }) ?? null;
      if (own) return send(res, own);
      const upstream = http.request({ host: to.hostname, port: to.port, method, path, headers: req.headers }, (answer) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        res.writeHead(answer.statusCode ?? 502, options.rewrite ? options.rewrite({ method, url: path }, headers) : headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    })();
  });
  return { url, seen, close: closer(server) };
}
