import type { Connection, ResultSetHeader } from 'mysql2';
import type { DatabaseConfig } from '../config/schema.js';
import { SourceError } from '../core/errors.js';
import { closeConnection, connectMariaDb, explainDbError, run } from '../source/mariadb-connect.js';
import { prepareWriteBack, type WriteBackParam } from '../source/sql-statement.js';

/**
 * Optional write-back of a portal's new OIDC credentials into the EFS database (off unless
 * `database.portalWriteBack` is set). The caller runs it after Okta confirmed the app and the
 * credentials file was written, so a failure here never loses the secret.
 * The UPDATE runs in its own transaction and must change exactly one row, or nothing is committed.
 */
export interface PortalCredentials {
  portalKey: string;
  clientId: string;
  clientSecret: string;
}

export interface WriteBackResult {
  /** Rows the UPDATE matched (always 1 when it returns). */
  matchedRows: number;
}

const WHERE = 'database.portalWriteBack';

/** Checks the statement without connecting (for config validation). */
export function assertPortalWriteBack(sql: string): void {
  prepareWriteBack(sql, WHERE);
}

export async function writePortalCredentials(
  db: DatabaseConfig,
  sql: string,
  params: PortalCredentials,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<WriteBackResult> {
  const statement = prepareWriteBack(sql, WHERE);
  const values = statement.params.map((p: WriteBackParam) => params[p]);
  const conn = await connectMariaDb(db, { env: options.env, where: WHERE });
  let committed = false;
  try {
    let matched: number;
    try {
      await run(conn, 'START TRANSACTION READ WRITE');
      matched = await execute(conn, statement.sql, values);
    } catch (err) {
      throw explainDbError(err, db, WHERE);
    }
    if (matched !== 1) {
      throw new SourceError(
        'DB_WRITEBACK_ROWS',
        `${WHERE} matched ${matched} rows for portal ${params.portalKey}, expected exactly 1: nothing was written; ` +
          'check that its WHERE selects the portal by :portalKey (the credentials are in the credentials file)',
        { context: { where: WHERE, portalKey: params.portalKey, matchedRows: matched } },
      );
    }
    await run(conn, 'COMMIT').catch((err: unknown) => {
      throw explainDbError(err, db, WHERE);
    });
    committed = true;
    return { matchedRows: matched };
  } finally {
    if (!committed) await run(conn, 'ROLLBACK').catch(() => undefined);
    await closeConnection(conn);
  }
}

/**
 * Executes with bound parameters (binary protocol), so the client secret never becomes part of an
 * SQL text that an error or the server's general log could echo. Returns the rows matched: mysql2
 * connects with CLIENT_FOUND_ROWS, so `affectedRows` counts matched rows, also when unchanged.
 */
function execute(conn: Connection, sql: string, values: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    conn.execute<ResultSetHeader>(sql, values, (err, result) => {
      if (err) return reject(err);
      if (Array.isArray(result)) return reject(new SourceError('DB_WRITEBACK_REFUSED', `${WHERE} returned rows; it must be an UPDATE`));
      resolve(result.affectedRows);
    });
  });
}
