import type { Org } from './org.js';
import type { BucketName } from './options.js';

/** What a route handler gets: the parsed request and the org. */
export interface Ctx {
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
  /** `http://host:port` as the client addressed us; used in `_links` and `Link` headers. */
  baseUrl: string;
  org: Org;
  now: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply;

export interface Route {
  method: string;
  pattern: RegExp;
  bucket: BucketName;
  handler: Handler;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export const noContent: Reply = { status: 204 };

/** A JSON object body (Okta answers E0000003 to anything else where an object is required). */
export function objectBody(ctx: Ctx): Record<string, unknown> {
  const b = ctx.body;
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

export function boolParam(q: URLSearchParams, name: string, dflt: boolean): boolean {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  return v.toLowerCase() === 'true';
}
