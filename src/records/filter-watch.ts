import type { UserKind } from '../core/types.js';
import type { SourceRow } from '../core/source-row.js';
import { cleanText, show } from './text.js';
import type { UserRules } from './types.js';

/**
 * Watches the row filters of one read of the sources (`include`, `exclude`, `federatedWhen`) for
 * the mistake that silently skips a whole panel: a filter written with the values of another
 * installation (`include: { p_status: [active] }` where the column holds numeric codes). A filter
 * matching no row, or skipping more than half of a source, becomes a warning naming the values the
 * column does hold (top 5 with counts), so the operator sees it before anyone is created.
 *
 * Counting is per column and bounded: at most MAX_DISTINCT different values are counted one by one
 * (a column with millions of distinct values is no status column; the rest is counted together).
 */
const MAX_DISTINCT = 10_000;
const TOP = 5;

type Rule = 'include' | 'exclude' | 'federatedWhen';

interface ColumnWatch {
  rule: Rule;
  column: string;
  values: string[];
  wanted: Set<string>;
  /** Rows whose value is one of the rule's values. */
  matched: number;
  seen: Map<string, { shown: string; n: number }>;
  others: number;
}

export interface FilterWarning {
  kind: UserKind;
  rule: Rule;
  column: string;
  rows: number;
  matched: number;
  /** Rows this rule alone keeps out of Okta (include: not matched; exclude/federatedWhen: matched). */
  skipped: number;
  top: { value: string; count: number }[];
  message: string;
}

const HINT: Record<Rule, string> = {
  include: "Check the filter's values against these (status codes differ per installation).",
  exclude: "Check the filter's values against these (status codes differ per installation).",
  federatedWhen: 'Check that this column and these values mark the users who sign in through the company IdP.',
};

function fold(value: string | null): string {
  return (value ?? '').toLowerCase();
}

class SourceWatch {
  rows = 0;
  readonly columns: ColumnWatch[] = [];

  constructor(readonly kind: UserKind, rules: UserRules) {
    const add = (rule: Rule, filter: Record<string, string[]> | undefined): void => {
      for (const [column, values] of Object.entries(filter ?? {})) {
        this.columns.push({ rule, column, values, wanted: new Set(values.map(fold)), matched: 0, seen: new Map(), others: 0 });
      }
    };
    add('include', rules.include);
    add('exclude', rules.exclude);
    add('federatedWhen', rules.federatedWhen);
  }

  observe(row: SourceRow): void {
    this.rows++;
    for (const c of this.columns) {
      const value = cleanText(row.values[c.column]);
      const key = fold(value);
      if (c.wanted.has(key)) c.matched++;
      const entry = c.seen.get(key);
      if (entry) entry.n++;
      else if (c.seen.size < MAX_DISTINCT) c.seen.set(key, { shown: value === null ? '(empty)' : show(value, 40), n: 1 });
      else c.others++;
    }
  }

  warnings(): FilterWarning[] {
    if (this.rows === 0) return [];
    const out: FilterWarning[] = [];
    for (const c of this.columns) {
      const skipped = c.rule === 'include' ? this.rows - c.matched : c.matched;
      const none = c.matched === 0;
      if (!none && skipped * 2 <= this.rows) continue;
      const top = [...c.seen.values()].sort((a, b) => b.n - a.n || a.shown.localeCompare(b.shown)).slice(0, TOP).map((e) => ({ value: e.shown, count: e.n }));
      const list = top.map((t) => `${t.value} ${t.count}`).join(', ') + (c.seen.size > TOP || c.others > 0 ? ', …' : '');
      const filter = `${c.rule}: { ${c.column}: [${c.values.join(', ')}] }`;
      const what = none
        ? `matches no row of the ${this.kind} source (${this.rows} rows)`
        : `keeps ${skipped} of ${this.rows} ${this.kind} rows out of Okta (more than half)`;
      const effect = c.rule === 'include' && none ? ': every one is skipped' : '';
      out.push({
        kind: this.kind, rule: c.rule, column: c.column, rows: this.rows, matched: c.matched, skipped, top,
        message: `${filter} ${what}${effect}. Values in column ${c.column}: ${list}. ${HINT[c.rule]}`,
      });
    }
    return out;
  }
}

/** One watch per user source read; `warnings()` after all rows were observed. */
export class FilterWatch {
  private readonly sources: SourceWatch[] = [];

  source(kind: UserKind, rules: UserRules): (row: SourceRow) => void {
    const watch = new SourceWatch(kind, rules);
    this.sources.push(watch);
    return (row) => watch.observe(row);
  }

  warnings(): FilterWarning[] {
    return this.sources.flatMap((s) => s.warnings());
  }
}
