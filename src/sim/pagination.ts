import type { Ctx } from './context.js';
import { E } from './errors.js';

/**
 * Okta paginates lists with a `Link` header: `<url>; rel="self"` and, when more remain,
 * `<url?after=CURSOR>; rel="next"` (https://developer.okta.com/docs/api/#pagination). The cursor is
 * opaque to clients; here it encodes the sequence number of the last item returned.
 */
export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

export function decodeCursor(after: string | null): number {
  if (after === null || after === '') return 0;
  const raw = Buffer.from(after, 'base64url').toString();
  const m = /^s(\d+)$/.exec(raw);
  if (!m) throw E.invalidSearch(`after: invalid cursor "${after}"`);
  return Number(m[1]);
}

/** Okta caps `limit` at the endpoint's maximum rather than refusing larger values. */
export function pageLimit(q: URLSearchParams, dflt: number, max: number): number {
  const v = q.get('limit');
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n)) throw E.invalidSearch(`limit: "${v}" is not an integer`);
  if (n < 1) return dflt;
  return Math.min(n, max);
}

/** Takes up to `limit` items from `items`; returns them and the seq to continue after, if more remain. */
export function takePage<T>(items: Iterable<T>, limit: number, seqOf: (t: T) => number): { page: T[]; nextAfter: number | null } {
  const page: T[] = [];
  let more = false;
  for (const it of items) {
    if (page.length === limit) {
      more = true;
      break;
    }
    page.push(it);
  }
  const last = page.at(-1);
  return { page, nextAfter: more && last !== undefined ? seqOf(last) : null };
}

export function linkHeader(ctx: Ctx, nextAfter: number | null): string {
  const self = new URL(ctx.baseUrl + ctx.path);
  for (const [k, v] of ctx.query) self.searchParams.append(k, v);
  const links = [`<${self.toString()}>; rel="self"`];
  if (nextAfter !== null) {
    const next = new URL(self.toString());
    next.searchParams.set('after', encodeCursor(nextAfter));
    links.push(`<${next.toString()}>; rel="next"`);
  }
  return links.join(', ');
}
