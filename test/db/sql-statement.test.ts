import { describe, expect, it } from 'vitest';
import { assertSingleSelect, prepareWriteBack } from '../../src/source/sql-statement.js';
import { SourceError } from '../../src/core/errors.js';

const KEY = 'sources.panelists.query';

function refusal(fn: () => unknown): SourceError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SourceError);
    return err as SourceError;
  }
  throw new Error('expected a SourceError');
}

describe('sql-statement assertSingleSelect', () => {
  it.each([
    ['SELECT 1', 'SELECT 1'],
    ['  select pcode from panelists ;  ', 'select pcode from panelists'],
    ['SELECT 1;;\n-- trailing comment', 'SELECT 1'],
    ['WITH p AS (SELECT * FROM panelists) SELECT * FROM p', 'WITH p AS (SELECT * FROM panelists) SELECT * FROM p'],
    ['WITH RECURSIVE n (x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT x FROM n', null],
    ['(SELECT 1 AS a) UNION (SELECT 2)', null],
    ["SELECT ';DELETE FROM x' AS s, \"it''s\" AS t, `weird;col` FROM t", null],
    ['/* header */ SELECT 1 # comment ; DELETE\n', '/* header */ SELECT 1'],
    ["SELECT 'a\\'; DROP TABLE x; --' AS s", null],
    ['SELECT u_email FROM panelists WHERE updated_at > 0', null],
    ["SELECT u_email FROM panelists WHERE p_status = 'active' ;", "SELECT u_email FROM panelists WHERE p_status = 'active'"],
    ['SELECT `u_email` FROM `panelists`', null],
  ])('accepts %j', (sql, expected) => {
    expect(assertSingleSelect(sql, KEY)).toBe(expected ?? sql.trim());
  });

  it.each([
    ['UPDATE panelists SET u_email = NULL', /must be a single SELECT \(got UPDATE/],
    ['DELETE FROM panelists', /got DELETE/],
    ['INSERT INTO x SELECT * FROM panelists', /got INSERT/],
    ['/* SELECT */ DELETE FROM panelists', /got DELETE/],
    ['-- SELECT\nDROP TABLE panelists', /got DROP/],
    ['WITH p AS (SELECT 1) DELETE FROM panelists', /got DELETE/],
    ['SELECT 1; DROP TABLE panelists', /more than one statement/],
    ['SELECT 1; SELECT 2', /more than one statement/],
    ["SELECT * FROM panelists INTO OUTFILE '/tmp/x'", /INTO/],
    ['SELECT u_email INTO @x FROM panelists', /INTO/],
    ['SELECT * FROM panelists FOR UPDATE', /locks rows/],
    ['SELECT * FROM panelists LOCK IN SHARE MODE', /locks rows/],
    ['SELECT /*! 1; DROP TABLE x */ 1', /executable comment/],
    ['SELECT /*M!100100 1 */', /executable comment/],
    ["SELECT 'unterminated", /unterminated ' quote/],
    ['SELECT 1 /* open', /unterminated \/\* comment/],
    ['   ;  ', /is empty/],
    ['CALL export_panelists()', /got CALL/],
  ])('refuses %j', (sql, message) => {
    const err = refusal(() => assertSingleSelect(sql, KEY));
    expect(err.code).toBe('DB_QUERY_REFUSED');
    expect(err.message).toMatch(message);
    expect(err.message).toContain(KEY);
  });
});

describe('sql-statement prepareWriteBack', () => {
  it('turns named parameters into positional ones, in order, ignoring strings and comments', () => {
    const out = prepareWriteBack(
      "UPDATE portals /* :clientSecret */ SET oidc_client_id = :clientId, oidc_client_secret = :clientSecret, note = ':portalKey' WHERE portal_id = :portalKey;",
    );
    expect(out.sql).toBe("UPDATE portals /* :clientSecret */ SET oidc_client_id = ?, oidc_client_secret = ?, note = ':portalKey' WHERE portal_id = ?");
    expect(out.params).toEqual(['clientId', 'clientSecret', 'portalKey']);
  });

  it('keeps a string literal at the end of the statement', () => {
    expect(prepareWriteBack("UPDATE portals SET a = :clientId WHERE portal_id = :portalKey AND type = 'panel'").sql).toBe(
      "UPDATE portals SET a = ? WHERE portal_id = ? AND type = 'panel'",
    );
  });

  it('keeps := assignments and ::-like text intact', () => {
    const out = prepareWriteBack('UPDATE portals SET n = (@x := 1) WHERE portal_id = :portalKey');
    expect(out.sql).toBe('UPDATE portals SET n = (@x := 1) WHERE portal_id = ?');
  });

  it.each([
    ['DELETE FROM portals WHERE portal_id = :portalKey', /single UPDATE/],
    ['SELECT * FROM portals WHERE portal_id = :portalKey', /single UPDATE/],
    ['INSERT INTO portals (oidc_client_id) VALUES (:clientId)', /single UPDATE/],
    ['UPDATE portals SET a = :clientId WHERE portal_id = :portalKey; DELETE FROM portals', /more than one statement/],
    ['UPDATE portals SET oidc_client_id = :clientId', /WHERE \.\.\. = :portalKey/],
    ['UPDATE portals SET name = :portalKey WHERE 1 = 1', /WHERE \.\.\. = :portalKey/],
    ['UPDATE portals SET a = :token WHERE portal_id = :portalKey', /unknown parameter :token/],
    ['/*! DELETE FROM portals */ UPDATE portals SET a = 1 WHERE portal_id = :portalKey', /executable comment/],
  ])('refuses %j', (sql, message) => {
    const err = refusal(() => prepareWriteBack(sql));
    expect(err.code).toMatch(/^DB_(WRITEBACK|QUERY)_REFUSED$/);
    expect(err.message).toMatch(message);
    expect(err.message).toContain('database.portalWriteBack');
  });
});
