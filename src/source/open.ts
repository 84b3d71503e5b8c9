import path from 'node:path';
import type { DatabaseConfig, PortalSourceConfig, UserSourceConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import type { Kind } from '../core/types.js';
import { openCsvSource } from './csv.js';
import { openJsonlSource } from './jsonl.js';
import { mappedColumns, type SourceKind } from './mapped-columns.js';
import type { RowSource } from './types.js';
import type { SourceRow } from '../core/source-row.js';

export type SourceType = 'csv' | 'jsonl' | 'database';

const SOURCE_NAMES: Record<Kind, SourceKind> = { admin: 'admins', panelist: 'panelists', portal: 'portals' };

/** `type` when set; else `database` for a query without a file, `jsonl` for .jsonl/.ndjson files, else csv. */
export function sourceType(source: UserSourceConfig | PortalSourceConfig): SourceType {
  if (source.type) return source.type;
  if (source.query && !source.file) return 'database';
  const ext = path.extname(source.file ?? '').toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'csv';
}

/**
 * Opens the configured source of one kind. Nothing is read until `rows()` is iterated; file damage
 * and missing mapped columns surface there as SourceError. The database reader (and mysql2) is only
 * loaded when a database source is actually read.
 */
export function openRowSource(
  kind: SourceKind | Kind,
  source: UserSourceConfig | PortalSourceConfig,
  config: { database?: DatabaseConfig | undefined },
): RowSource {
  const name: SourceKind = kind in SOURCE_NAMES ? SOURCE_NAMES[kind as Kind] : (kind as SourceKind);
  const configKey = `sources.${name}`;
  const required = mappedColumns(name, source);
  const type = sourceType(source);
  if (type === 'database') {
    const db = config.database;
    if (!source.query) throw new ConfigError('CONFIG_INVALID', `${configKey}.query is required for a database source`, { context: { key: `${configKey}.query` } });
    if (!db) throw new ConfigError('CONFIG_INVALID', `${configKey} reads the database, but the "database" section is missing`, { context: { key: 'database' } });
    return lazyDatabaseSource(`mariadb ${db.database} (${configKey})`, source.query, db, `${configKey}.query`, required);
  }
  if (!source.file) {
    throw new ConfigError('CONFIG_INVALID', `${configKey}.file is required (or a query with type: database)`, { context: { key: `${configKey}.file` } });
  }
  const common = {
    file: source.file,
    description: path.basename(source.file),
    configKey,
    encoding: source.encoding,
    requiredColumns: required,
  };
  return type === 'jsonl' ? openJsonlSource(common) : openCsvSource({ ...common, delimiter: source.delimiter });
}

function lazyDatabaseSource(
  description: string,
  query: string,
  db: DatabaseConfig,
  queryKey: string,
  required: ReturnType<typeof mappedColumns>,
): RowSource {
  return {
    description,
    async *rows(signal?: AbortSignal): AsyncGenerator<SourceRow> {
      const { openMariaDbSource } = await import('./mariadb.js');
      yield* openMariaDbSource(description, query, db, { queryKey, mappedColumns: required }).rows(signal);
    },
  };
}
