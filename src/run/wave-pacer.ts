import type { Clock } from '../core/clock.js';

/**
 * Spaces email sends `3600000 / perHour` ms apart on the injected clock (--per-hour), so a wave
 * of activations or reminders reaches mail servers and Okta's email limits evenly.
 *
 * Each call resolves true when the next send may go out, false when the run was interrupted before
 * (or while) it waited: then nothing may be marked or sent for that user, and the record stays as it was.
 */
export function wavePacer(clock: Clock, perHour: number | undefined, signal?: AbortSignal): () => Promise<boolean> {
  if (!perHour) return async () => !signal?.aborted;
  const interval = 3_600_000 / perHour;
  let next = clock.now();
  return async () => {
    if (signal?.aborted) return false;
    const now = clock.now();
    const at = Math.max(next, now);
    next = at + interval;
    if (at > now) {
      try {
        await clock.sleep(at - now, signal);
      } catch (err) {
        if (signal?.aborted) return false;
        throw err;
      }
    }
    return !signal?.aborted;
  };
}
