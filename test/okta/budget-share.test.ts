import { describe, expect, test } from 'vitest';
import { allocateShares, sharedCaps, type BudgetClaim } from '../../src/okta/budget-share.js';

const claim = (runId: string, principal: string, o: Partial<BudgetClaim> = {}): BudgetClaim => ({
  runId, principal, priority: 1, share: 0.8, tokenShare: 0.5, ...o,
});

const rounded = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].map(([k, v]) => [k, Math.round(v * 10_000) / 10_000]));

describe('budget-share allocateShares', () => {
  test('a run alone gets everything it may use: min(share, tokenShare)', () => {
    expect(rounded(allocateShares([claim('a', 't1')]))).toEqual({ a: 0.5 });
    expect(rounded(allocateShares([claim('a', 't1', { share: 0.3 })]))).toEqual({ a: 0.3 });
  });

  test('runs on one token split the token share equally by default', () => {
    expect(rounded(allocateShares([claim('a', 't1'), claim('b', 't1'), claim('c', 't1')]))).toEqual({ a: 0.1667, b: 0.1667, c: 0.1667 });
  });

  test('priority divides in proportion (2:1:1)', () => {
    expect(rounded(allocateShares([claim('a', 't1', { priority: 2 }), claim('b', 't1'), claim('c', 't1')]))).toEqual({ a: 0.25, b: 0.125, c: 0.125 });
  });

  test('three tokens at 50 % each share the org ceiling (the largest share) equally', () => {
    const m = allocateShares([claim('a', 't1'), claim('b', 't2'), claim('c', 't3')]);
    expect(rounded(m)).toEqual({ a: 0.2667, b: 0.2667, c: 0.2667 });
    expect([...m.values()].reduce((x, y) => x + y, 0)).toBeCloseTo(0.8, 9);
  });

  test('what a capped token cannot use goes to the runs of another token', () => {
    // t1's two runs stop at 0.25 each (the token's 0.5); t2's run takes the org's remaining 0.3.
    expect(rounded(allocateShares([claim('a', 't1'), claim('b', 't1'), claim('c', 't2')]))).toEqual({ a: 0.25, b: 0.25, c: 0.3 });
    // A run with a small own share leaves the rest of its token to the other run.
    expect(rounded(allocateShares([claim('a', 't1', { share: 0.1 }), claim('b', 't1')]))).toEqual({ a: 0.1, b: 0.4 });
  });

  test('sharedCaps: the token ceiling and the org ceiling in requests per window', () => {
    const claims = [claim('a', 't1'), claim('b', 't2', { share: 1 })];
    expect(sharedCaps(claims, 't1', 600)).toEqual({ tokenCap: 300, orgCap: 600 });
  });
});
