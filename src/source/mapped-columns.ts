import type { PortalSourceConfig, UserSourceConfig } from '../config/schema.js';

/** A column the mapping reads, with the config key that names it (for "add column X, used by Y" messages). */
export interface MappedColumn {
  column: string;
  /** e.g. `sources.panelists.columns.email`, `sources.panelists.federatedWhen`. */
  key: string;
}

export type SourceKind = 'admins' | 'panelists' | 'portals';

/**
 * Every column a source's mapping reads: the `columns` map, the columns that include/exclude/
 * federatedWhen match on, and the password hash columns. A source checks these before the first row
 * so that a misspelt alias fails at once instead of turning every record invalid.
 */
export function mappedColumns(kind: SourceKind, source: UserSourceConfig | PortalSourceConfig): MappedColumn[] {
  const out: MappedColumn[] = [];
  const seen = new Set<string>();
  const add = (column: string | undefined, key: string): void => {
    if (!column || seen.has(column)) return;
    seen.add(column);
    out.push({ column, key });
  };
  for (const [field, column] of Object.entries(source.columns)) add(column as string | undefined, `sources.${kind}.columns.${field}`);
  if ('include' in source || 'exclude' in source || 'federatedWhen' in source || 'passwordHash' in source) {
    const user = source as UserSourceConfig;
    for (const rule of ['include', 'exclude', 'federatedWhen'] as const) {
      for (const column of Object.keys(user[rule] ?? {})) add(column, `sources.${kind}.${rule}`);
    }
    add(user.passwordHash?.valueColumn, `sources.${kind}.passwordHash.valueColumn`);
    add(user.passwordHash?.saltColumn, `sources.${kind}.passwordHash.saltColumn`);
  }
  return out;
}
