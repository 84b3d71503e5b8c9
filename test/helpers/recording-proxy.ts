import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback HTTP proxy in front of the simulator that records every request's method and path,
 * so a test can assert that a run sent no write at all, and that can lose the answer to one chosen
 * request after the simulator carried it out (the "did Okta create it?" case of a dropped connection).
 */
export interface RecordedRequest {
  method: string;
  path: string;
  status: number | 'dropped';
}

export interface RecordingProxy {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests other than GET since `from` (an index into `requests`). */
  writesSince(from: number): RecordedRequest[];
  /** The next request matching `match` is forwarded, then its answer is thrown away and the connection reset. */
  dropAnswerOnce(match: (method: string, path: string) => boolean): void;
  /** Answers thrown away so far. */
  readonly dropped: number;
  stop(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  let dropper: ((method: string, path: string) => boolean) | null = null;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const drop = dropper !== null && dropper(method, path);
    if (drop) dropper = null;
    const entry: RecordedRequest = { method, path, status: 'dropped' };
    requests.push(entry);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method, path, headers: req.headers },
      (answer) => {
        if (drop) {
          answer.resume();
          answer.on('end', () => {
            dropped++;
            req.socket.destroy();
          });
          return;
        }
        entry.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writesSince: (from) => requests.slice(from).filter((r) => r.method !== 'GET'),
    dropAnswerOnce: (match) => {
      dropper = match;
    },
    get dropped() {
      return dropped;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
