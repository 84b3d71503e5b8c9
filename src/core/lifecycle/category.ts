/**
 * The partition every record state falls in exactly once: `toDo` a run still has to move it;
 * `inOkta` it is in Okta now and tracked; `needsAction` an operator must look (exit code 1);
 * `notMigrated` it is settled outside Okta (excluded, duplicate, left the source, rolled back).
 * Status, the dashboard, the HTML report and the exit codes count by it.
 */
export const STATE_CATEGORIES = ['toDo', 'inOkta', 'needsAction', 'notMigrated'] as const;
export type StateCategory = (typeof STATE_CATEGORIES)[number];

/** The states of `category`, in the order the lifecycle module lists them. */
export function statesIn<S extends string>(categories: { readonly [K in S]: StateCategory }, category: StateCategory): readonly S[] {
  return (Object.keys(categories) as S[]).filter((s) => categories[s] === category);
}
