import type { Connection, FieldPacket } from 'mysql2';
import type { Readable } from 'node:stream';
import type { DatabaseConfig } from '../config/schema.js';
import { InterruptedError, SourceError } from '../core/errors.js';
import type { MappedColumn } from './mapped-columns.js';
import { closeConnection, connectMariaDb, describeColumns, explainDbError, run } from './mariadb-connect.js';
import { rowConverter, type RowConverter } from './mariadb-values.js';
import { assertSingleSelect } from './sql-statement.js';
import type { RowSource } from './types.js';
import type { SourceRow } from '../core/source-row.js';

/**
 * The `database` source: one configured SELECT per kind, streamed from MariaDB/MySQL with mysql2.
 * Rows are pulled with backpressure (the driver pauses the socket while our consumer is busy), so
 * memory stays flat however large the table is. Reads run in a read-only transaction: a consistent
 * snapshot, and the server itself refuses any write.
 */
export interface MariaDbSourceOptions {
  /** Config key of the query, for messages: `sources.panelists.query`. */
  queryKey?: string;
  /** Columns the mapping reads; the stream fails before the first row when one is not returned. */
  mappedColumns?: MappedColumn[];
  env?: NodeJS.ProcessEnv;
  /** Rows buffered ahead of the consumer. */
  highWaterMark?: number;
}

// The server drops a client that does not read for net_write_timeout seconds (default 60). Our
// consumer may hold the stream paused longer than that (a slow phase, a rate-limit wait), so the
// session allows an hour. https://mariadb.com/kb/en/server-system-variables/#net_write_timeout
const SESSION_SETUP = "SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 3600";

/** Refuses a non-SELECT at once (nothing connects); the rows are read when `rows()` is iterated. */
export function openMariaDbSource(description: string, query: string, db: DatabaseConfig, options: MariaDbSourceOptions = {}): RowSource {
  const where = options.queryKey ?? `the query of ${description}`;
  const sql = assertSingleSelect(query, where);
  return {
    description,
    rows: (signal?: AbortSignal) => streamRows(sql, db, where, options, signal),
  };
}

export interface DatabaseSourceCheck {
  /** The column names the query returns, in order. */
  columns: string[];
}

/**
 * Early validation for `plan`/`doctor`: the query is a single SELECT, the server is reachable with
 * these credentials, the query compiles (prepared, never executed) and returns every mapped column.
 */
export async function checkDatabaseSource(
  query: string,
  db: DatabaseConfig,
  options: { queryKey: string; mappedColumns: MappedColumn[]; env?: NodeJS.ProcessEnv },
): Promise<DatabaseSourceCheck> {
  const sql = assertSingleSelect(query, options.queryKey);
  const conn = await connectMariaDb(db, { env: options.env, where: options.queryKey });
  try {
    const fields = await describeColumns(conn, sql).catch((err: unknown) => {
      throw explainDbError(err, db, options.queryKey);
    });
    const columns = fields.map((f) => f.name);
    assertMappedColumns(columns, options.mappedColumns, options.queryKey);
    return { columns };
  } finally {
    await closeConnection(conn);
  }
}

/** Names every mapped column the query does not return (or returns twice), with the config key that needs it. */
function assertMappedColumns(columns: string[], mapped: MappedColumn[], where: string): void {
  const missing = mapped.filter((m) => !columns.includes(m.column));
  if (missing.length > 0) {
    const list = missing
      .map((m) => {
        const near = columns.find((c) => c.toLowerCase() === m.column.toLowerCase());
        return `${m.column} (needed by ${m.key}${near ? `; the query returns ${near}, names must match exactly` : ''})`;
      })
      .join(', ');
    throw new SourceError(
      'DB_MAPPED_COLUMN_MISSING',
      `${where} does not return ${list}: add it to the SELECT with that alias (... AS ${(missing[0] as MappedColumn).column}) ` +
        `or fix the mapping; the query returns ${columns.join(', ') || 'no columns'}`,
      { context: { where, column: (missing[0] as MappedColumn).column, key: (missing[0] as MappedColumn).key } },
    );
  }
  const twice = mapped.find((m) => columns.filter((c) => c === m.column).length > 1);
  if (twice) {
    throw new SourceError('DB_MAPPED_COLUMN_TWICE', `${where} returns column ${twice.column} twice (needed by ${twice.key}): give the other one a different alias`, {
      context: { where, column: twice.column, key: twice.key },
    });
  }
}

function interrupted(signal: AbortSignal): InterruptedError {
  return new InterruptedError('INTERRUPTED', 'reading the database source was interrupted', { cause: signal.reason });
}

/** Closes the socket at once: a graceful end would leave the server writing into a paused socket. */
function hardClose(conn: Connection): void {
  conn.destroy();
  // mysql2's typings do not expose the socket; destroying it makes the server abort the query.
  (conn as unknown as { stream?: { destroy(): void } }).stream?.destroy();
}

async function* streamRows(
  sql: string,
  db: DatabaseConfig,
  where: string,
  options: MariaDbSourceOptions,
  signal: AbortSignal | undefined,
): AsyncGenerator<SourceRow> {
  if (signal?.aborted) throw interrupted(signal);
  const conn = await connectMariaDb(db, { env: options.env, where });
  let stream: Readable | null = null;
  let clean = false;
  let line = 0;
  const onAbort = (): void => {
    if (!signal) return;
    stream?.destroy(interrupted(signal));
    hardClose(conn);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    try {
      await run(conn, SESSION_SETUP);
      await run(conn, 'SET SESSION TRANSACTION READ ONLY');
      await run(conn, 'START TRANSACTION READ ONLY');
    } catch (err) {
      throw explainDbError(err, db, where);
    }
    if (signal?.aborted) throw interrupted(signal);
    let fields: FieldPacket[] | null = null;
    let converter: RowConverter | null = null;
    const ready = (): RowConverter => {
      if (converter) return converter;
      converter = rowConverter(fields ?? []);
      assertMappedColumns(converter.names, options.mappedColumns ?? [], where);
      return converter;
    };
    const query = conn.query({ sql, rowsAsArray: true });
    const rows = query.stream({ highWaterMark: options.highWaterMark ?? 256 });
    stream = rows;
    rows.on('fields', (f: FieldPacket[]) => {
      fields = f;
      try {
        ready();
      } catch (err) {
        rows.destroy(err as Error);
      }
    });
    try {
      for await (const raw of rows) {
        line++;
        yield { line, values: ready().convert(raw as unknown[]) };
      }
    } catch (err) {
      if (err instanceof InterruptedError || err instanceof SourceError) throw err;
      throw explainDbError(err, db, where, line);
    }
    ready();
    await run(conn, 'COMMIT').catch((err: unknown) => {
      throw explainDbError(err, db, where, line);
    });
    clean = true;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (clean) await closeConnection(conn);
    else hardClose(conn);
  }
}
