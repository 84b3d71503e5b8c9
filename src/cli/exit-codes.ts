import { NEEDS_ACTION } from '../core/lifecycle/record.js';
import type { Kind } from '../core/types.js';
import type { Journal } from '../journal/types.js';

/** 0 when everything ended well; 1 when records need attention (invalid, conflict, failed). */
export function exitCodeFor(journal: Journal, kinds: Kind[]): number {
  const attention = journal.countByState(kinds).some((c) => NEEDS_ACTION.includes(c.state) && c.count > 0);
  return attention ? 1 : 0;
}
