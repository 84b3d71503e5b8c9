import { isActivationWork } from '../core/lifecycle/user.js';
import type { UserKind } from '../core/types.js';
import type { LastLoginCursor } from '../journal/activation.js';
import type { Journal, JournalRow } from '../journal/types.js';
import type { ActivateOptions } from './activate.js';

/**
 * Which staged users `users activate` takes, in which order:
 * - `key`: the journal's order (source key);
 * - `last-login`: the users who signed in to EFS most recently first, so the panelists who use
 *   the panel have their link (and Okta access) first; users with no recorded sign-in come last.
 * Rows left `activating` by a killed run always come first: they are resolved before new sends;
 * then deactivated records waiting for reactivation.
 * --only / --exclude are matched record ids (`kind:key`).
 */
export type ActivationOrder = 'key' | 'last-login';

export interface OrderedSelection {
  order: ActivationOrder;
  only?: Set<string>;
  exclude?: Set<string>;
  /** Reads a page of staged rows by last login (journal/activation.ts: pageByLastLogin). */
  pageByLastLogin?: (kinds: UserKind[], after: LastLoginCursor | null, limit: number) => JournalRow[];
}

const PAGE = 500;

export function selectedRows(sel: OrderedSelection): (journal: Journal, options: ActivateOptions) => AsyncGenerator<JournalRow> {
  return async function* rows(journal, options) {
    let yielded = 0;
    const take = (row: JournalRow): boolean => {
      if (!row.ours || !row.oktaId) return false;
      // Deactivated records back in the source wait for reactivation; other deactivated ones stay.
      if (!isActivationWork(row)) return false;
      const id = `${row.kind}:${row.key}`;
      if (sel.only && !sel.only.has(id)) return false;
      if (sel.exclude?.has(id)) return false;
      return true;
    };
    const pages = (state: 'activating' | 'deactivated' | 'staged', kinds: UserKind[]): (() => JournalRow[]) => {
      let after: { kind: string; key: string; lastLogin: string } | null = null;
      return () => {
        const page = state === 'staged' && sel.order === 'last-login' && sel.pageByLastLogin
          ? sel.pageByLastLogin(kinds, after, PAGE)
          : journal.page({ kinds, states: [state] }, after, PAGE);
        const last = page[page.length - 1];
        if (last) after = { kind: last.kind, key: last.key, lastLogin: last.lastLogin ?? '' };
        return page;
      };
    };
    const kinds = [...new Set(options.kinds as UserKind[])].sort();
    // Resumed rows first; then kind by kind (admins first, as in key order).
    const passes: ['activating' | 'deactivated' | 'staged', UserKind[]][] = [['activating', kinds], ['deactivated', kinds], ...kinds.map((k): ['staged', UserKind[]] => ['staged', [k]])];
    for (const [state, passKinds] of passes) {
      const next = pages(state, passKinds);
      for (let page = next(); page.length > 0; page = next()) {
        for (const row of page) {
          if (!take(row)) continue;
          if (options.max !== undefined && yielded >= options.max) return;
          yielded++;
          yield row;
        }
      }
    }
  };
}
