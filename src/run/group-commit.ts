import type { Journal } from '../journal/types.js';

/**
 * Journal writes that many workers make at about the same moment, committed together: the writes
 * queued during one turn of the event loop go into one transaction (one commit, and with
 * synchronous=FULL one fsync, instead of one per record). `write` resolves only once its
 * transaction has committed, so "committed before the Okta call" still holds for whoever awaits it.
 * A failed transaction (a JournalError: fatal) rejects every write of the batch, none applied.
 */
export class GroupCommit {
  private queue: { write: () => void; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly journal: Journal) {}

  write(fn: () => void): Promise<void> {
    if (!this.journal.batch) {
      fn();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ write: fn, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const items = this.queue.splice(0);
    try {
      this.journal.batch?.(() => {
        for (const item of items) item.write();
      });
    } catch (err) {
      for (const item of items) item.reject(err);
      return;
    }
    for (const item of items) item.resolve();
  }
}
