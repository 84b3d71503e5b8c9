/**
 * How runs that draw on one Okta org divide its rate limits. Pure: the claims come in, fractions of
 * a bucket come out (the same for every bucket, since every bucket's ceilings scale with its limit).
 *
 * Okta counts every token and app of the org against one bucket, and lets each token use only its
 * own share of it (50 % by default, the org admin's slider):
 * https://developer.okta.com/docs/reference/rl2-token-oauth/ . So three constraints bind:
 *   - each run: min(share, tokenShare) of its own config;
 *   - each token: its tokenShare, however many runs use it;
 *   - the org: the largest `share` among the runs (what support agreed the migrations may take,
 *     leaving the rest to the org's other applications).
 * Within them, runs get weighted max-min fair shares (progressive filling): every run's share grows
 * in proportion to its priority until one of its constraints is reached; what a capped run cannot
 * use goes to the others. A run alone gets everything it may use.
 */
export interface BudgetClaim {
  runId: string;
  /** Which token (or OAuth app) the run uses: a fingerprint, never the secret. */
  principal: string;
  priority: number;
  share: number;
  tokenShare: number;
}

const EPS = 1e-9;

export function allocateShares(claims: readonly BudgetClaim[]): Map<string, number> {
  const out = new Map<string, number>();
  if (claims.length === 0) return out;
  const orgCap = Math.max(...claims.map((c) => c.share));
  const tokenCap = new Map<string, number>();
  for (const c of claims) tokenCap.set(c.principal, Math.max(tokenCap.get(c.principal) ?? 0, c.tokenShare));
  const ceiling = new Map(claims.map((c) => [c.runId, Math.min(c.share, c.tokenShare)]));
  const weight = new Map(claims.map((c) => [c.runId, c.priority > 0 ? c.priority : 1]));
  for (const c of claims) out.set(c.runId, 0);
  let active = claims.filter((c) => (ceiling.get(c.runId) ?? 0) > EPS);
  const sum = (xs: readonly BudgetClaim[], f: (c: BudgetClaim) => number): number => xs.reduce((a, c) => a + f(c), 0);
  const given = (c: BudgetClaim): number => out.get(c.runId) ?? 0;
  const w = (c: BudgetClaim): number => weight.get(c.runId) ?? 1;
  while (active.length > 0) {
    // The largest step every active run can take (in units of its weight) before a constraint binds.
    let step = (orgCap - sum(claims, given)) / sum(active, w);
    for (const c of active) step = Math.min(step, ((ceiling.get(c.runId) ?? 0) - given(c)) / w(c));
    for (const [principal, cap] of tokenCap) {
      const mine = active.filter((c) => c.principal === principal);
      if (mine.length === 0) continue;
      const used = sum(claims.filter((c) => c.principal === principal), given);
      step = Math.min(step, (cap - used) / sum(mine, w));
    }
    step = Math.max(0, step);
    for (const c of active) out.set(c.runId, given(c) + w(c) * step);
    const orgFull = orgCap - sum(claims, given) <= EPS;
    const fullTokens = new Set([...tokenCap].filter(([p, cap]) => cap - sum(claims.filter((c) => c.principal === p), given) <= EPS).map(([p]) => p));
    active = orgFull ? [] : active.filter((c) => !fullTokens.has(c.principal) && (ceiling.get(c.runId) ?? 0) - given(c) > EPS);
  }
  return out;
}

/**
 * The ceilings of the shared budget for one bucket of limit `limit`: what the runs of `principal`
 * may send together per window, and what all runs of the org may.
 */
export function sharedCaps(claims: readonly BudgetClaim[], principal: string, limit: number): { tokenCap: number; orgCap: number } {
  const mine = claims.filter((c) => c.principal === principal);
  const tokenShare = Math.max(0, ...mine.map((c) => c.tokenShare));
  const orgShare = Math.max(0, ...claims.map((c) => c.share));
  return { tokenCap: Math.max(1, Math.floor(tokenShare * limit)), orgCap: Math.max(1, Math.floor(orgShare * limit)) };
}
