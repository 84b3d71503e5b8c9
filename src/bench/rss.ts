/** Samples the process RSS every 50 ms; `peakMb()` is the largest seen (plus the current one). */
export function rssSampler(): { peakMb: () => number; stop: () => void } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  timer.unref();
  return {
    peakMb: () => Math.round(Math.max(peak, process.memoryUsage.rss()) / (1024 * 1024)),
    stop: () => clearInterval(timer),
  };
}
