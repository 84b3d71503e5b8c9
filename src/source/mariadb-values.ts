import type { FieldPacket } from 'mysql2';

/**
 * Turns one result row (mysql2 with dateStrings/bigNumberStrings, so mostly strings already) into the
 * text values a CSV export would carry, so that the same column mapping works for both sources.
 */

// Column type codes of the client/server protocol (mysql2 has them at runtime only, without typings):
// https://mariadb.com/kb/en/result-set-packets/#field-types
const TIMESTAMP = 7;
const DATE = 10;
const DATETIME = 12;
const NEWDATE = 14;
const TIMESTAMP2 = 17;
const DATETIME2 = 18;

type Convert = (value: unknown) => string | null;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function plain(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) {
    // Binary columns (VARBINARY, BLOB) usually hold text; raw bytes (a binary hash) come as base64,
    // the form Okta's password import expects for hash values.
    try {
      return utf8.decode(value);
    } catch {
      return value.toString('base64');
    }
  }
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/** MariaDB's "zero date" (`0000-00-00`) is EFS-era legacy for "never": it becomes NULL. */
function isZeroDate(text: string): boolean {
  return text.startsWith('0000-00-00');
}

function dateOnly(value: unknown): string | null {
  const text = plain(value);
  return text === null || isZeroDate(text) ? null : text;
}

/** DATETIME has no time zone: ISO 8601 without an offset (`2026-02-19T10:11:12`). */
function dateTime(value: unknown): string | null {
  const text = plain(value);
  return text === null || isZeroDate(text) ? null : text.replace(' ', 'T');
}

/** TIMESTAMP is stored in UTC; the session runs with time_zone '+00:00', so the text is UTC. */
function timestamp(value: unknown): string | null {
  const text = dateTime(value);
  return text === null ? null : `${text}Z`;
}

export interface RowConverter {
  names: string[];
  convert(row: unknown[]): Record<string, string | null>;
}

export function rowConverter(fields: FieldPacket[]): RowConverter {
  const names = fields.map((f) => f.name);
  const converters: Convert[] = fields.map((f) => {
    switch (f.columnType ?? f.type) {
      case DATE:
      case NEWDATE:
        return dateOnly;
      case DATETIME:
      case DATETIME2:
        return dateTime;
      case TIMESTAMP:
      case TIMESTAMP2:
        return timestamp;
      default:
        return plain;
    }
  });
  return {
    names,
    convert(row: unknown[]): Record<string, string | null> {
      const values: Record<string, string | null> = {};
      for (let i = 0; i < names.length; i++) values[names[i] as string] = (converters[i] as Convert)(row[i]);
      return values;
    },
  };
}
