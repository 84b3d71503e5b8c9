import { statesIn, type StateCategory } from './category.js';
import { PORTAL_COUNTED_ACTIVE, PORTAL_STATE_CATEGORY, type PortalState } from './portal.js';
import { COUNTED_ACTIVE as USER_COUNTED_ACTIVE, USER_STATE_CATEGORY, type UserState } from './user.js';

/**
 * What both lifecycles share: a record's state (user or portal) and where it counts, so a state
 * added to a lifecycle module is counted by status, reports and exit codes at once.
 */
export type RecordState = UserState | PortalState;

/** Where each state counts. The two lifecycles share some names (pending, failed, …); they agree (tested). */
export const STATE_CATEGORY: { readonly [S in RecordState]: StateCategory } = { ...PORTAL_STATE_CATEGORY, ...USER_STATE_CATEGORY };

/**
 * Records an operator must look at: a run exits 1 while any is left. In the order reports list
 * them (failures first); the same set as the `needsAction` category (tested).
 */
export const NEEDS_ACTION: readonly RecordState[] = ['failed', 'conflict', 'invalid'];

/** Settled outside Okta, listed with their reasons under "not migrated", in that order; the `notMigrated` category. */
export const NOT_MIGRATED: readonly RecordState[] = ['skipped', 'duplicate', 'removed', 'deactivating', 'deactivated', 'deleting', 'deleted'];

/** Counted as active: users who set a password (Okta ACTIVE), portals registered as an app. PROVISIONED is not. */
export const COUNTED_ACTIVE: readonly RecordState[] = [...USER_COUNTED_ACTIVE, ...PORTAL_COUNTED_ACTIVE];

/** The states of `category` across both lifecycles. */
export function statesOf(category: StateCategory): readonly RecordState[] {
  return statesIn(STATE_CATEGORY, category);
}
