import type { DashboardPayload } from '../../src/dashboard/feed.js';

/** Reads `status` events from the dashboard's /events stream (what the page's EventSource gets). */
export class SseReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  readonly raw: string[] = [];

  private constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly controller: AbortController,
  ) {}

  static async open(url: string): Promise<SseReader> {
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    if (!res.ok || !res.body) throw new Error(`GET ${url}: ${res.status}`);
    return new SseReader(res.body.getReader(), controller);
  }

  /** The next status payload. */
  async next(): Promise<DashboardPayload> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        this.raw.push(frame);
        const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (frame.includes('event: status') && data) return JSON.parse(data) as DashboardPayload;
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error('the event stream ended');
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** Reads payloads until one satisfies `test` (the server pushes on every poll). */
  async until(test: (p: DashboardPayload) => boolean): Promise<DashboardPayload> {
    for (;;) {
      const p = await this.next();
      if (test(p)) return p;
    }
  }

  close(): void {
    this.controller.abort();
  }
}
