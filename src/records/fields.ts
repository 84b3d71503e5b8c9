/**
 * Fields that are not sent to Okta as typed, but must compare well: the last login (the journal's
 * dedupe keeps the most recent one, comparing strings). The language lives in locale.ts.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const GERMAN_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EPOCH = /^\d{9,10}$/;

/**
 * A last-login value as `YYYY-MM-DDTHH:MM:SS` (sortable as text), or null when empty or unreadable.
 * Accepted: ISO dates and date-times (an offset is converted to UTC), `DD.MM.YYYY[ HH:MM[:SS]]` as EFS
 * shows dates in German, and Unix seconds. EFS's "never logged in" (`0000-00-00…`, `0`) reads as null;
 * an unreadable value only loses the record its tie-break, so it is not a reason to refuse the user.
 */
export function normalizeLastLogin(value: string | null): string | null {
  if (value === null) return null;
  let m = ISO_DATE.exec(value);
  if (m) {
    const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = m;
    if (zone) {
      const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
      return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 19);
    }
    return validDate(Number(y), Number(mo), Number(d)) ? `${y}-${mo}-${d}T${h}:${mi}:${s}` : null;
  }
  m = GERMAN_DATE.exec(value);
  if (m) {
    const [, d = '', mo = '', y = '', h = '0', mi = '00', s = '00'] = m;
    if (!validDate(Number(y), Number(mo), Number(d))) return null;
    return `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}T${h.padStart(2, '0')}:${mi}:${s}`;
  }
  if (EPOCH.test(value)) return new Date(Number(value) * 1000).toISOString().slice(0, 19);
  return null;
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}
