import { SourceError } from '../core/errors.js';

/**
 * A small MariaDB lexer, enough to tell what kind of statement a configured query is before it is
 * sent: comments and string literals are skipped so that `'; DROP TABLE'` inside a string or a
 * comment does not count. The database enforces read-only too (a read-only transaction); this check
 * exists so that a mistake is refused with a clear message before anything connects.
 * Lexical rules: https://mariadb.com/kb/en/comment-syntax/ and https://mariadb.com/kb/en/string-literals/
 */
interface SqlToken {
  kind: 'word' | 'ident' | 'string' | 'punct' | 'param';
  /** Upper-cased for words, the name for params, the character for punctuation. */
  text: string;
  start: number;
  end: number;
  depth: number;
}

function tokenizeSql(sql: string, where: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let depth = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '-' && next === '-' && /[\s]/.test(sql[i + 2] ?? ' '))) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === '/' && next === '*') {
      // `/*! ... */` and `/*M! ... */` are executed by MariaDB, so they are not comments to us.
      if (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!')) {
        throw new SourceError('DB_QUERY_REFUSED', `${where} uses an executable comment (/*! ... */): write the SQL without it`, {
          context: { where },
        });
      }
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new SourceError('DB_QUERY_REFUSED', `${where} has an unterminated /* comment`, { context: { where } });
      i = close + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const end = skipQuoted(sql, i, c, where);
      tokens.push({ kind: c === '`' ? 'ident' : 'string', text: sql.slice(i + 1, end - 1), start: i, end, depth });
      i = end;
    } else if (c === ':' && /[A-Za-z_]/.test(next) && sql[i - 1] !== ':') {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(sql[j] as string)) j++;
      tokens.push({ kind: 'param', text: sql.slice(i + 1, j), start: i, end: j, depth });
      i = j;
    } else if (/[A-Za-z0-9_$@]/.test(c) || c.charCodeAt(0) > 127) {
      let j = i + 1;
      while (j < n && (/[A-Za-z0-9_$@.]/.test(sql[j] as string) || (sql[j] as string).charCodeAt(0) > 127)) j++;
      tokens.push({ kind: 'word', text: sql.slice(i, j).toUpperCase(), start: i, end: j, depth });
      i = j;
    } else {
      if (c === ')') depth--;
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1, depth });
      if (c === '(') depth++;
      i++;
    }
  }
  return tokens;
}

function skipQuoted(sql: string, start: number, quote: string, where: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\' && quote !== '`') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  throw new SourceError('DB_QUERY_REFUSED', `${where} has an unterminated ${quote} quote starting at character ${start + 1}`, {
    context: { where },
  });
}

/** Splits off trailing `;` and refuses a second statement. Returns the tokens of the one statement and its text. */
function singleStatement(sql: string, where: string): { tokens: SqlToken[]; text: string } {
  const all = tokenizeSql(sql, where);
  const semi = all.findIndex((t) => t.kind === 'punct' && t.text === ';');
  const tokens = semi < 0 ? all : all.slice(0, semi);
  if (semi >= 0 && all.slice(semi).some((t) => !(t.kind === 'punct' && t.text === ';'))) {
    throw new SourceError('DB_QUERY_REFUSED', `${where} holds more than one statement: give exactly one (a ";" is only allowed at the end)`, {
      context: { where },
    });
  }
  if (tokens.length === 0) throw new SourceError('DB_QUERY_REFUSED', `${where} is empty: write a SELECT`, { context: { where } });
  const last = tokens[tokens.length - 1] as SqlToken;
  return { tokens, text: sql.slice(0, last.end).trim() };
}

const STATEMENT_WORDS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'VALUES', 'TABLE', 'CALL', 'DO', 'LOAD', 'HANDLER']);

/**
 * Accepts exactly one SELECT (also `WITH ... SELECT` and a parenthesised SELECT) and returns it
 * without the trailing `;`. Refuses anything else, and SELECTs that write or lock:
 * `INTO OUTFILE/DUMPFILE/@var`, `FOR UPDATE`, `LOCK IN SHARE MODE` (row locks on the live EFS tables
 * would block the EFS application while the migration streams).
 */
export function assertSingleSelect(sql: string, where: string): string {
  const { tokens, text } = singleStatement(sql, where);
  const words = tokens.filter((t) => t.kind === 'word');
  const first = words[0]?.text;
  let statement = first;
  if (first === 'WITH') statement = words.find((t) => t.depth === (words[0] as SqlToken).depth && STATEMENT_WORDS.has(t.text))?.text;
  if (statement !== 'SELECT') {
    const what = statement ?? first ?? tokens[0]?.text ?? '?';
    throw new SourceError('DB_QUERY_REFUSED', `${where} must be a single SELECT (got ${what}...): the tool only reads the EFS database`, {
      context: { where, statement: what },
    });
  }
  for (let k = 0; k < words.length; k++) {
    const w = (words[k] as SqlToken).text;
    const w1 = words[k + 1]?.text;
    const w2 = words[k + 2]?.text;
    if (w === 'INTO') {
      throw new SourceError('DB_QUERY_REFUSED', `${where} uses SELECT ... INTO, which writes a file or variables: remove the INTO clause`, {
        context: { where },
      });
    }
    if ((w === 'FOR' && (w1 === 'UPDATE' || w1 === 'SHARE')) || (w === 'LOCK' && w1 === 'IN' && w2 === 'SHARE')) {
      throw new SourceError('DB_QUERY_REFUSED', `${where} locks rows (${w} ${w1 ?? ''}...): remove the locking clause, the tool reads a consistent snapshot anyway`, {
        context: { where },
      });
    }
  }
  return text;
}

const WRITE_BACK_PARAMS = ['portalKey', 'clientId', 'clientSecret'] as const;
export type WriteBackParam = (typeof WRITE_BACK_PARAMS)[number];

/**
 * Accepts exactly one UPDATE whose WHERE uses :portalKey, with named parameters among :portalKey,
 * :clientId, :clientSecret. Returns the SQL with `?` placeholders and the parameter order, so the
 * values travel as bound parameters (never spliced into the SQL text, where an error could echo them).
 */
export function prepareWriteBack(sql: string, where = 'database.portalWriteBack'): { sql: string; params: WriteBackParam[] } {
  const { tokens, text } = singleStatement(sql, where);
  const first = tokens.find((t) => t.kind === 'word')?.text;
  if (first !== 'UPDATE' || tokens[0]?.kind !== 'word') {
    throw new SourceError('DB_WRITEBACK_REFUSED', `${where} must be a single UPDATE statement (got ${first ?? tokens[0]?.text ?? '?'}...)`, {
      context: { where },
    });
  }
  const whereAt = tokens.findIndex((t) => t.kind === 'word' && t.text === 'WHERE' && t.depth === 0);
  const params: WriteBackParam[] = [];
  let out = '';
  let pos = 0;
  let keyInWhere = false;
  tokens.forEach((t, idx) => {
    if (t.kind !== 'param') return;
    if (!(WRITE_BACK_PARAMS as readonly string[]).includes(t.text)) {
      throw new SourceError('DB_WRITEBACK_REFUSED', `${where} uses an unknown parameter :${t.text}: use :portalKey, :clientId and :clientSecret`, {
        context: { where, param: t.text },
      });
    }
    if (t.text === 'portalKey' && whereAt >= 0 && idx > whereAt) keyInWhere = true;
    params.push(t.text as WriteBackParam);
    out += text.slice(pos, t.start) + '?';
    pos = t.end;
  });
  if (!keyInWhere) {
    throw new SourceError('DB_WRITEBACK_REFUSED', `${where} must select the portal row with WHERE ... = :portalKey, so that one UPDATE changes one portal`, {
      context: { where },
    });
  }
  return { sql: out + text.slice(pos), params };
}
