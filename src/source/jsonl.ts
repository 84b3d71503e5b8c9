import path from 'node:path';
import { canonicalEncoding, looksUtf16 } from './encoding.js';
import { readDecodedText } from './file-text.js';
import type { MappedColumn } from './mapped-columns.js';
import type { RowSource } from './types.js';
import type { RowProblem, SourceRow } from '../core/source-row.js';

export interface JsonlSourceOptions {
  file: string;
  description?: string;
  configKey?: string;
  /** JSON is UTF-8 by its RFC; other encodings are accepted for exports that ignore that. */
  encoding?: string;
  /**
   * Keys the config refers to. JSON Lines has no header, so a missing key cannot be refused up
   * front (objects may omit empty values): it reads as null. A nested object or array under one of
   * these keys gives the row `field.not_text`.
   */
  requiredColumns?: MappedColumn[];
  /** Longest line kept, in characters; a longer line gives the row `field.too_long`. */
  maxLineLength?: number;
}

const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

/** JSON Lines: one object per line, streamed; a damaged line is a row with a problem, never dropped. */
export function openJsonlSource(options: JsonlSourceOptions): RowSource {
  const description = options.description ?? path.basename(options.file);
  const configKey = options.configKey ?? 'the source';
  const encoding = canonicalEncoding(options.encoding ?? 'utf-8');
  const maxLine = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const mapped = new Set((options.requiredColumns ?? []).map((r) => r.column));

  async function* rows(signal?: AbortSignal): AsyncGenerator<SourceRow> {
    const text = readDecodedText(options.file, description, encoding, signal, `${configKey}.file`);
    let buf = '';
    let overlong = false;
    let line = 1;
    let prevCR = false;
    for await (const chunk of text.chunks) {
      let from = 0;
      for (;;) {
        const nl = indexOfBreak(chunk, from);
        if (nl < 0) break;
        const piece = chunk.slice(from, nl);
        const crlfTail = prevCR && nl === from && chunk.charCodeAt(nl) === 0x0a;
        if (!crlfTail) {
          if (!overlong) buf += piece;
          const tooLong = overlong || buf.length > maxLine;
          const row = parseLine(tooLong ? '' : buf, line, tooLong);
          if (row) yield row;
          line++;
        }
        prevCR = chunk.charCodeAt(nl) === 0x0d;
        buf = '';
        overlong = false;
        from = nl + 1;
      }
      const rest = chunk.slice(from);
      if (rest.length > 0) prevCR = false;
      if (!overlong) {
        buf += rest;
        if (buf.length > maxLine) {
          buf = buf.slice(0, maxLine);
          overlong = true;
        }
      }
    }
    const last = parseLine(overlong ? '' : buf, line, overlong);
    if (last) yield last;
  }

  return { description, rows };

  function parseLine(raw: string, line: number, overlong: boolean): SourceRow | null {
    if (overlong) {
      return { line, values: {}, problem: { code: 'field.too_long', message: `line ${line} is longer than ${maxLine} characters: no record needs that much; the export is probably damaged there` } };
    }
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') return null;
    if (looksUtf16(text)) {
      return { line, values: {}, problem: { code: 'row.encoding', message: `line ${line} holds NUL characters (zero bytes between the letters): the file is probably UTF-16 without a byte-order mark; export it as UTF-8 (or set encoding: auto for this source)` } };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return invalid(line, `line ${line} is not valid JSON (${(err as Error).message}): each line must hold one complete JSON object`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return invalid(line, `line ${line} holds ${Array.isArray(parsed) ? 'an array' : `a ${parsed === null ? 'null' : typeof parsed}`}, not a JSON object: each line must be one object of column → value`);
    }
    const values: Record<string, string | null> = {};
    let problem: RowProblem | undefined;
    const exact = Object.values(parsed as Record<string, unknown>).some((v) => typeof v === 'number') ? (JSON.parse(numbersAsText(text)) as Record<string, unknown>) : null;
    for (const [key, parsedValue] of Object.entries(parsed as Record<string, unknown>)) {
      const value = exact && typeof parsedValue === 'number' ? exact[key] : parsedValue;
      if (value === null || value === undefined) values[key] = null;
      else if (typeof value === 'string') values[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') values[key] = String(value);
      else {
        values[key] = JSON.stringify(value);
        if (mapped.has(key) && !problem) {
          problem = {
            code: 'field.not_text',
            message: `line ${line}: "${key}" holds ${Array.isArray(value) ? 'an array' : 'an object'}, not text: the mapped column must be a string (or number); fix the export`,
          };
        }
      }
    }
    return problem ? { line, values, problem } : { line, values };
  }
}

/**
 * JSON.parse reads numbers as doubles: 12345678901234567890 and …891 both become
 * 12345678901234567000, `1e2` becomes 100 and `1.50` 1.5, so two keys could merge and a key would
 * change its spelling. A line that parsed (so it is valid JSON) is parsed again with every number
 * literal outside a string quoted: the value is then the number's exact text. In valid JSON, a
 * digit outside a string can only belong to a number, and the string pattern below skips escaped
 * quotes, so no string is touched. (Node 21+ offers the source text to a JSON.parse reviver; the
 * tool supports Node 20.)
 */
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

export function numbersAsText(json: string): string {
  return json.replace(STRING_OR_NUMBER, (token) => (token.charCodeAt(0) === 0x22 ? token : `"${token}"`));
}

function invalid(line: number, message: string): SourceRow {
  return { line, values: {}, problem: { code: 'row.invalid_json', message } };
}

function indexOfBreak(s: string, from: number): number {
  const lf = s.indexOf('\n', from);
  const cr = s.indexOf('\r', from);
  if (cr < 0) return lf;
  if (lf < 0) return cr;
  return Math.min(lf, cr);
}
