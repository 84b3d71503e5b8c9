import type { Clock } from '../core/clock.js';

/**
 * Spaces email sends `3600000 / perHour` ms apart on the injected clock (--per-hour), so a wave
 * of activations or reminders reaches mail servers and Okta's email limits evenly.
 */
export function wavePacer(clock: Clock, perHour: number | undefined, signal?: AbortSignal): () => Promise<void> {
  if (!perHour) return async () => undefined;
  const interval = 3_600_000 / perHour;
  let next = clock.now();
  return async () => {
    const now = clock.now();
    const at = Math.max(next, now);
    next = at + interval;
    if (at > now) await clock.sleep(at - now, signal);
  };
}
