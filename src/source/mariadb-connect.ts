import { readFileSync } from 'node:fs';
import mysql from 'mysql2';
import type { Connection, ConnectionOptions, FieldPacket, QueryError, SslOptions } from 'mysql2';
import type { DatabaseConfig } from '../config/schema.js';
import { SourceError } from '../core/errors.js';
import { passwordOrigin, readDatabasePassword } from './db-password.js';

/**
 * Connecting to the EFS database and turning driver errors into messages that say which config key
 * to fix. The password is read here and handed to the driver only; it is never in a message.
 */

/** `host:port` or `socket /path`, for messages. */
function databaseAddress(db: DatabaseConfig): string {
  return db.socket ? `socket ${db.socket}` : `${db.host}:${db.port}`;
}

function connectionOptions(db: DatabaseConfig, password: string): ConnectionOptions {
  const options: ConnectionOptions = {
    user: db.user,
    password,
    database: db.database,
    // utf8mb4 so that 4-byte characters in names survive; the server converts latin1 tables for us.
    charset: 'UTF8MB4_UNICODE_CI',
    connectTimeout: 10_000,
    // Values as text: we hand strings to records/, so numbers, decimals and dates must not be
    // rounded or shifted by a JS time zone on the way.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    jsonStrings: true,
    multipleStatements: false,
  };
  if (db.socket) options.socketPath = db.socket;
  else {
    options.host = db.host;
    options.port = db.port;
  }
  if (db.tls) options.ssl = tlsOptions(db.tls);
  return options;
}

function tlsOptions(tls: NonNullable<DatabaseConfig['tls']>): SslOptions {
  const ssl: SslOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.ca) {
    if (tls.ca.includes('-----BEGIN')) ssl.ca = tls.ca;
    else {
      try {
        ssl.ca = readFileSync(tls.ca, 'utf8');
      } catch (err) {
        throw new SourceError('DB_TLS_CA', `cannot read database.tls.ca ${tls.ca} (${(err as NodeJS.ErrnoException).code ?? 'error'}): give the path of the CA certificate (PEM) that signed the server certificate`, {
          context: { ca: tls.ca },
          cause: err,
        });
      }
    }
  }
  return ssl;
}

export interface ConnectOptions {
  env?: NodeJS.ProcessEnv;
  /** Config key of the statement, for messages: `sources.panelists.query`, `database.portalWriteBack`. */
  where: string;
}

/** Opens one connection (not a pool: a source reads with one connection in one transaction). */
export async function connectMariaDb(db: DatabaseConfig, options: ConnectOptions): Promise<Connection> {
  const password = readDatabasePassword(db, options.env);
  const conn = mysql.createConnection(connectionOptions(db, password));
  try {
    await new Promise<void>((resolve, reject) => {
      conn.connect((err) => (err ? reject(err) : resolve()));
    });
  } catch (err) {
    conn.destroy();
    throw explainDbError(err, db, options.where);
  }
  // A connection error after connect (server gone) is reported through the running query; this
  // listener only keeps an idle connection's error from becoming an unhandled 'error' event.
  conn.on('error', () => undefined);
  return conn;
}

export function run(conn: Connection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    conn.query(sql, (err) => (err ? reject(err) : resolve()));
  });
}

/** Prepares (never executes) the statement and returns its result columns. */
export function describeColumns(conn: Connection, sql: string): Promise<FieldPacket[]> {
  return new Promise((resolve, reject) => {
    conn.prepare(sql, (err, statement) => {
      if (err) return reject(err);
      // mysql2's typings omit the column metadata a prepare returns.
      const columns = (statement as unknown as { columns?: FieldPacket[] }).columns ?? [];
      statement.close();
      resolve(columns);
    });
  });
}

export function closeConnection(conn: Connection): Promise<void> {
  return new Promise((resolve) => {
    conn.end(() => {
      conn.destroy();
      resolve();
    });
  });
}

function isQueryError(err: unknown): err is QueryError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOENT', 'EACCES']);
const TLS_CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|UNABLE_TO_GET_ISSUER/;

/** Turns a driver error into a SourceError that names the config key to fix. Already-explained errors pass through. */
export function explainDbError(err: unknown, db: DatabaseConfig, where: string, rowsRead?: number): SourceError {
  if (err instanceof SourceError) return err;
  const at = databaseAddress(db);
  const code = isQueryError(err) ? err.code : 'UNKNOWN';
  const server = isQueryError(err) ? (err as QueryError & { sqlMessage?: string }).sqlMessage ?? err.message : String(err);
  const make = (c: string, message: string): SourceError =>
    new SourceError(c, message, { context: { where, database: db.database, address: at, driverCode: code }, cause: err });

  if (UNREACHABLE.has(code)) {
    return db.socket
      ? make('DB_UNREACHABLE', `cannot reach MariaDB at ${at} (${code}): check database.socket and that the server is running`)
      : make('DB_UNREACHABLE', `cannot reach MariaDB at ${at} (${code}): check database.host/port and that the server accepts TCP connections`);
  }
  switch (code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return make('DB_ACCESS_DENIED', `access denied for user ${db.user} at ${at}: check database.user and the password in ${passwordOrigin(db)}`);
    case 'ER_DBACCESS_DENIED_ERROR':
      return make('DB_ACCESS_DENIED', `user ${db.user} may not use database ${db.database}: GRANT SELECT ON \`${db.database}\`.* TO the user, or check database.database`);
    case 'ER_BAD_DB_ERROR':
      return make('DB_UNKNOWN_DATABASE', `unknown database ${db.database} at ${at}: check database.database (SHOW DATABASES lists what the user can see)`);
    case 'ER_BAD_FIELD_ERROR': {
      const m = /Unknown column '([^']*)' in '([^']*)'/.exec(server);
      const column = m?.[1] ?? '?';
      // MySQL and older MariaDB say 'field list', MariaDB 10.11 says 'SELECT': both mean the select list.
      const part = m?.[2] === 'field list' || m?.[2] === 'SELECT' ? 'SELECT list' : m?.[2];
      const clause = part ? ` (in the ${part})` : '';
      return make('DB_UNKNOWN_COLUMN', `unknown column ${column} in ${where}${clause}: fix the column name in the query (SHOW COLUMNS FROM <table> lists them)`);
    }
    case 'ER_NO_SUCH_TABLE': {
      const table = /Table '([^']*)' doesn't exist/.exec(server)?.[1] ?? '?';
      return make('DB_UNKNOWN_TABLE', `table ${table} does not exist, used in ${where}: fix the table name in the query (SHOW TABLES lists them)`);
    }
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
      return make('DB_PERMISSION', `user ${db.user} lacks a privilege for ${where}: ${server} (docs/database.md lists the GRANTs the user needs)`);
    case 'ER_PARSE_ERROR':
      return make('DB_QUERY_SYNTAX', `${where} is not valid SQL: ${server}`);
    case 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION':
      return make('DB_QUERY_REFUSED', `${where} tried to write in the read-only transaction: the query must only read`);
    case 'ER_DUP_FIELDNAME':
      return make('DB_QUERY_COLUMNS', `${where} returns a column name twice (${server}): give each column its own alias`);
    case 'HANDSHAKE_NO_SSL_SUPPORT':
      return make('DB_TLS', `MariaDB at ${at} does not offer TLS, but database.tls is set: enable TLS on the server or remove database.tls`);
    case 'PROTOCOL_CONNECTION_LOST':
    case 'ECONNRESET':
    case 'EPIPE':
      return make('DB_CONNECTION_LOST', `the connection to MariaDB at ${at} was lost${rowsRead === undefined ? '' : ` after ${rowsRead} rows`} while running ${where}: check the server log, then run again (the journal keeps what is done)`);
    default:
      if (TLS_CERT.test(code) || code === 'HANDSHAKE_SSL_ERROR') {
        const reason = code === 'HANDSHAKE_SSL_ERROR' ? server : code;
        return make('DB_TLS', `the TLS certificate of MariaDB at ${at} was not accepted (${reason}): set database.tls.ca to the CA certificate that signed it (or, only for a test server, database.tls.rejectUnauthorized: false)`);
      }
      return make('DB_ERROR', `MariaDB at ${at} refused ${where} (${code}): ${server}`);
  }
}
