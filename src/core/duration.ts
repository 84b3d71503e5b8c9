/**
 * Durations as people write them in flags and the config: `7d`, `36h`, `90m`, `45s`, `0s`
 * (or combined, `1d12h`). Milliseconds in, no I/O.
 */
const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?[dhms])+$/.test(s)) return null;
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)([dhms])/g)) ms += Number(m[1]) * (UNITS[m[2] as string] as number);
  return Math.round(ms);
}

/** `3d 4h`, `2h 5m`, `40s`: the two largest units, for ages and ends in messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return '0s';
  const parts: string[] = [];
  let rest = Math.floor(ms / 1000) * 1000;
  for (const [unit, size] of Object.entries(UNITS)) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
