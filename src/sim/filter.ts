import { E } from './errors.js';

/**
 * Okta's `filter` and `search` expressions (SCIM-like:
 * https://developer.okta.com/docs/reference/core-okta-api/#filter):
 *   attr op "value" | attr pr | expr and expr | expr or expr | (expr) | not (expr)
 * `filter` allows only `eq` (plus gt/ge/lt/le on date attributes); `search` allows the full set.
 * Parsed once per request into a tree that handlers evaluate against a getter.
 */
export type Op = 'eq' | 'ne' | 'sw' | 'co' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';
export type Expr =
  | { kind: 'cmp'; attr: string; op: Op; value: string | number | boolean | null }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; inner: Expr };

type Tok = { t: 'word'; v: string } | { t: 'str'; v: string } | { t: '(' } | { t: ')' };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === ' ' || c === '\t' || c === '+') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        v += s[i];
        i++;
      }
      if (i >= s.length) throw E.invalidSearch('Unterminated string literal');
      i++;
      out.push({ t: 'str', v });
    } else {
      let v = '';
      while (i < s.length && !' \t()"'.includes(s[i] as string)) v += s[i++];
      out.push({ t: 'word', v });
    }
  }
  return out;
}

const OPS: readonly string[] = ['eq', 'ne', 'sw', 'co', 'ew', 'gt', 'ge', 'lt', 'le', 'pr'];

export function parseExpression(src: string): Expr {
  const toks = tokenize(src);
  let pos = 0;
  const peekWord = (): string | null => {
    const t = toks[pos];
    return t && t.t === 'word' ? t.v.toLowerCase() : null;
  };
  const primary = (): Expr => {
    const t = toks[pos];
    if (!t) throw E.invalidSearch('Unexpected end of expression');
    if (t.t === '(') {
      pos++;
      const e = orExpr();
      if (toks[pos]?.t !== ')') throw E.invalidSearch('Missing closing parenthesis');
      pos++;
      return e;
    }
    if (t.t === 'word' && t.v.toLowerCase() === 'not') {
      pos++;
      return { kind: 'not', inner: primary() };
    }
    if (t.t !== 'word') throw E.invalidSearch('Expected an attribute name');
    pos++;
    const op = peekWord();
    if (!op || !OPS.includes(op)) throw E.invalidSearch(`Unknown operator after ${t.v}`);
    pos++;
    if (op === 'pr') return { kind: 'cmp', attr: t.v, op: 'pr', value: null };
    const vt = toks[pos];
    if (!vt || vt.t === '(' || vt.t === ')') throw E.invalidSearch(`Missing value for ${t.v} ${op}`);
    pos++;
    let value: string | number | boolean | null;
    if (vt.t === 'str') value = vt.v;
    else if (vt.v === 'true' || vt.v === 'false') value = vt.v === 'true';
    else if (vt.v === 'null') value = null;
    else if (/^-?\d+(\.\d+)?$/.test(vt.v)) value = Number(vt.v);
    else throw E.invalidSearch(`Invalid value ${vt.v}: quote strings with "`);
    return { kind: 'cmp', attr: t.v, op: op as Op, value };
  };
  const andExpr = (): Expr => {
    let left = primary();
    while (peekWord() === 'and') {
      pos++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (peekWord() === 'or') {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  if (toks.length === 0) throw E.invalidSearch('Empty expression');
  const e = orExpr();
  if (pos !== toks.length) throw E.invalidSearch('Unexpected trailing tokens');
  return e;
}

/** Checks that a `filter` uses only the attributes and operators Okta allows for it. */
export function checkFilter(e: Expr, allowed: (attr: string, op: Op) => boolean): void {
  if (e.kind === 'cmp') {
    if (!allowed(e.attr, e.op)) throw E.invalidSearch(`Filtering on ${e.attr} with ${e.op} is not supported`);
  } else if (e.kind === 'not') {
    checkFilter(e.inner, allowed);
  } else {
    checkFilter(e.left, allowed);
    checkFilter(e.right, allowed);
  }
}

export type Getter = (attr: string) => string | number | boolean | null | undefined;

function compare(actual: string | number | boolean | null | undefined, op: Op, expected: unknown): boolean {
  if (op === 'pr') return actual !== undefined && actual !== null && actual !== '';
  if (actual === undefined) actual = null;
  if (typeof actual === 'string' && typeof expected === 'string') {
    // Okta compares strings in filters and searches without regard to case.
    const a = actual.toLowerCase();
    const b = expected.toLowerCase();
    switch (op) {
      case 'eq': return a === b;
      case 'ne': return a !== b;
      case 'sw': return a.startsWith(b);
      case 'co': return a.includes(b);
      case 'ew': return a.endsWith(b);
      case 'gt': return a > b;
      case 'ge': return a >= b;
      case 'lt': return a < b;
      case 'le': return a <= b;
    }
  }
  if (typeof actual === 'number' && typeof expected === 'number') {
    switch (op) {
      case 'gt': return actual > expected;
      case 'ge': return actual >= expected;
      case 'lt': return actual < expected;
      case 'le': return actual <= expected;
      case 'ne': return actual !== expected;
      default: return actual === expected;
    }
  }
  if (op === 'ne') return actual !== expected;
  return op === 'eq' && actual === expected;
}

export function evaluate(e: Expr, get: Getter): boolean {
  switch (e.kind) {
    case 'cmp': return compare(get(e.attr), e.op, e.value);
    case 'and': return evaluate(e.left, get) && evaluate(e.right, get);
    case 'or': return evaluate(e.left, get) || evaluate(e.right, get);
    case 'not': return !evaluate(e.inner, get);
  }
}

/**
 * When an expression is `attr eq "v"` or an `or` of such clauses on one indexed attribute, the
 * handler can look candidates up instead of scanning: returns the values, or null.
 */
export function eqValues(e: Expr, attr: string): string[] | null {
  if (e.kind === 'cmp') {
    return e.op === 'eq' && e.attr === attr && typeof e.value === 'string' ? [e.value] : null;
  }
  if (e.kind === 'or') {
    const l = eqValues(e.left, attr);
    const r = l && eqValues(e.right, attr);
    return l && r ? [...l, ...r] : null;
  }
  return null;
}
