import type { CoreEmitter } from '../core/events.js';
import { formatDuration } from './summary.js';

/**
 * Renders `progress` events: a one-line bar on a TTY, NDJSON lines otherwise (for logs and scripts).
 * Writes to the stream it is given (stderr by default), so stdout stays for results and --json.
 */
export function attachProgress(emitter: CoreEmitter, out: NodeJS.WriteStream = process.stderr, tty = Boolean(out.isTTY)): () => void {
  const offProgress = emitter.on('progress', (p) => {
    if (!tty) {
      out.write(`${JSON.stringify({ type: 'progress', ...p, at: new Date().toISOString() })}\n`);
      return;
    }
    const width = 30;
    const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    out.write(`\r${p.phase} ${bar} ${p.done}/${p.total}  ${Math.round(p.ratePerMinute)}/min  429s ${p.rateLimited}  ETA ${formatDuration(p.etaMs)}   `);
  });
  const offFinished = emitter.on('run:finished', () => {
    if (tty) out.write('\n');
  });
  return () => {
    offProgress();
    offFinished();
  };
}
