import type { Config } from '../config/load.js';
import { sourceType } from '../source/open.js';
import { mappedColumns, type SourceKind } from '../source/mapped-columns.js';

/** The sources `plan` and `users create` read (all user kinds, also with --kind: duplicates span kinds). */
export const USER_SOURCES: readonly SourceKind[] = ['admins', 'panelists'];
export const PORTAL_SOURCES: readonly SourceKind[] = ['portals'];

export interface PreflightOptions {
  env?: NodeJS.ProcessEnv;
}

/**
 * Early validation before a verb reads any row: for each configured `database` source of these
 * kinds, the server is reached with the configured credentials, the query is prepared (never
 * executed) and must return every mapped column. Without it, `plan` on a million admins+panelists
 * would read all admins before finding that the panelists query lacks an alias. File sources are
 * left alone (their header is checked before their first row anyway). For `portals`, a configured
 * `database.portalWriteBack` is checked too, so a malformed UPDATE fails before any app is created.
 * Sources are checked one after the other; the first problem throws its SourceError/ConfigError.
 */
export async function preflightSources(config: Config, kinds: readonly SourceKind[], options: PreflightOptions = {}): Promise<void> {
  const db = config.database;
  for (const kind of kinds) {
    const source = config.sources[kind];
    if (!source || sourceType(source) !== 'database' || !db || !source.query) continue;
    // Loaded only when a database source is configured: it pulls in the MariaDB client.
    const { checkDatabaseSource } = await import('../source/mariadb.js');
    await checkDatabaseSource(source.query, db, { queryKey: `sources.${kind}.query`, mappedColumns: mappedColumns(kind, source), env: options.env });
  }
  if (kinds.includes('portals') && db?.portalWriteBack) {
    const { assertPortalWriteBack } = await import('../portals/writeback.js');
    assertPortalWriteBack(db.portalWriteBack);
  }
}
