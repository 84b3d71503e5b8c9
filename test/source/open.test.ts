import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DatabaseConfig, UserSourceConfig } from '../../src/config/schema.js';
import { ConfigError, SourceError } from '../../src/core/errors.js';
import { openRowSource, sourceType } from '../../src/source/open.js';
import { collectRows } from '../fixtures/read-records.js';

const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bad-input');
const columns = { key: 'pcode', email: 'u_email' };
const db: DatabaseConfig = { host: '127.0.0.1', port: 1, database: 'efs', user: 'reader', passwordEnv: 'EFS_DB_PASSWORD' };

describe('source/open', () => {
  it('picks the type from `type`, else a query without file, else the file extension', () => {
    expect(sourceType({ columns, file: 'a.csv' } as UserSourceConfig)).toBe('csv');
    expect(sourceType({ columns, file: 'a.JSONL' } as UserSourceConfig)).toBe('jsonl');
    expect(sourceType({ columns, file: 'a.ndjson' } as UserSourceConfig)).toBe('jsonl');
    expect(sourceType({ columns, file: 'a.txt', type: 'jsonl' } as UserSourceConfig)).toBe('jsonl');
    expect(sourceType({ columns, query: 'SELECT 1' } as UserSourceConfig)).toBe('database');
  });

  it('opens a CSV source that checks the mapped columns (columns, include, federatedWhen) against the header', async () => {
    const source = openRowSource('panelists', { columns, file: path.join(corpus, '04-header-only.csv'), federatedWhen: { auth: ['sso'] } } as UserSourceConfig, {});
    expect(source.description).toBe('04-header-only.csv');
    await expect(collectRows(source)).rejects.toThrow('column "auth" (sources.panelists.federatedWhen) not in the header line 1');
  });

  it('accepts the kind (panelist) as well as the source name (panelists)', async () => {
    const source = openRowSource('panelist', { columns, file: path.join(corpus, '11-utf8-bom.csv') } as UserSourceConfig, {});
    expect((await collectRows(source)).map((r) => r.values.pcode)).toEqual(['P1', 'P2']);
  });

  it('a database source connects only when read, and delegates to the MariaDB reader', async () => {
    const source = openRowSource('admins', { columns, type: 'database', query: 'DELETE FROM staff' } as UserSourceConfig, { database: db });
    expect(source.description).toBe('mariadb efs (sources.admins)');
    const err = await collectRows(source).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toContain('sources.admins.query');
  });

  it('refuses a database source without the database section, and a file source without a file', () => {
    expect(() => openRowSource('admins', { columns, type: 'database', query: 'SELECT 1' } as UserSourceConfig, {})).toThrow(ConfigError);
    expect(() => openRowSource('admins', { columns } as UserSourceConfig, {})).toThrow('sources.admins.file is required');
  });
});
