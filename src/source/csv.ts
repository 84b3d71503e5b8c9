import path from 'node:path';
import { SourceError } from '../core/errors.js';
import { checkHeader, headerNames } from './columns.js';
import type { MappedColumn } from './mapped-columns.js';
import { CsvTokenizer, UnterminatedQuoteError, type CsvRecord } from './csv-tokenizer.js';
import { canonicalEncoding, looksUtf16, REPLACEMENT_CHARACTER, type ResolvedEncoding } from './encoding.js';
import { readDecodedText } from './file-text.js';
import type { RowSource } from './types.js';
import type { RowProblem, SourceRow } from '../core/source-row.js';

export interface CsvSourceOptions {
  file: string;
  /** For messages; defaults to the file's base name. */
  description?: string;
  /** Config key of this source, for messages (`sources.panelists`). */
  configKey?: string;
  /** One character, or `auto` (default): detected from the header line among `;` `,` tab `|`. */
  delimiter?: string;
  /** utf-8 | windows-1252 | iso-8859-1 | auto (default), config spellings accepted. */
  encoding?: string;
  /** Columns the config refers to: the header must have them. */
  requiredColumns?: MappedColumn[];
  /** Longest field kept, in characters; longer fields give the row `field.too_long`. */
  maxFieldLength?: number;
}

/** What the reader found out about the file; filled in once reading has started. */
export interface CsvSourceInfo {
  encoding: ResolvedEncoding | null;
  delimiter: string | null;
  header: string[] | null;
  headerLine: number | null;
}

const DEFAULT_MAX_FIELD_LENGTH = 64 * 1024;
const DELIMITERS = [';', ',', '\t', '|'] as const;
/** How much text may precede the first line break before the delimiter is guessed anyway. */
const HEADER_PROBE_CHARS = 1024 * 1024;

export function openCsvSource(options: CsvSourceOptions): RowSource & { readonly info: CsvSourceInfo } {
  const description = options.description ?? path.basename(options.file);
  const configKey = options.configKey ?? 'the source';
  const encoding = canonicalEncoding(options.encoding);
  const configuredDelimiter = options.delimiter && options.delimiter !== 'auto' ? options.delimiter : null;
  const maxField = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
  const info: CsvSourceInfo = { encoding: null, delimiter: null, header: null, headerLine: null };

  async function* rows(signal?: AbortSignal): AsyncGenerator<SourceRow> {
    const text = readDecodedText(options.file, description, encoding, signal, `${configKey}.file`);
    let tokenizer: CsvTokenizer | null = null;
    let probe = '';
    let header: string[] | null = null;
    const out: CsvRecord[] = [];

    const startTokenizer = (): CsvTokenizer => {
      const delimiter = configuredDelimiter ?? detectDelimiter(probe);
      info.delimiter = delimiter;
      info.encoding = text.encoding;
      return new CsvTokenizer(delimiter, maxField);
    };
    function* drain(): Generator<SourceRow> {
      for (const rec of out) {
        if (header === null) {
          header = readHeader(rec);
          continue;
        }
        yield toRow(rec, header);
      }
      out.length = 0;
    }
    const readHeader = (rec: CsvRecord): string[] => {
      if (rec.overlong || rec.fields.some((f) => f.includes('\u0000'))) {
        throw new SourceError(
          'SOURCE_NOT_TEXT',
          `${description}: the header line ${rec.line} is not readable text (NUL bytes or a line longer than ${maxField} characters): is it a spreadsheet or UTF-16 file without a byte-order mark? Export the table as CSV, UTF-8`,
          { context: { file: description, line: rec.line } },
        );
      }
      if (rec.fieldCount > rec.fields.length) {
        // Cutting the header would read every row as ragged against a header that is not the file's.
        throw new SourceError(
          'SOURCE_HEADER_TOO_WIDE',
          `${description}: the header line ${rec.line} has ${rec.fieldCount} columns; the reader keeps at most ${rec.fields.length}: is the delimiter right (sources.*.delimiter), or is this a data dump rather than an export of the user table? Export only the columns the config maps`,
          { context: { file: description, line: rec.line, columns: rec.fieldCount } },
        );
      }
      const names = headerNames(rec.fields);
      checkHeader(description, names, rec.line, options.requiredColumns ?? [], info.delimiter);
      info.header = names;
      info.headerLine = rec.line;
      return names;
    };
    // A U+FFFD is a sign of a wrong encoding only when the decoder made it (a file may hold the character itself).
    const utf8 = (): boolean => text.encoding === 'utf-8' && text.invalidBytesSeen();

    const toRow = (rec: CsvRecord, names: string[]): SourceRow => {
      const values: Record<string, string | null> = {};
      for (let i = 0; i < names.length; i++) values[names[i] as string] = i < rec.fields.length ? (rec.fields[i] as string) : null;
      const problem = rowProblem(rec, names, utf8());
      return problem ? { line: rec.line, values, problem } : { line: rec.line, values };
    };

    for await (const chunk of text.chunks) {
      if (tokenizer) {
        tokenizer.push(chunk, out);
      } else {
        probe += chunk;
        if (!/[\r\n]/.test(probe) && probe.length < HEADER_PROBE_CHARS) continue;
        tokenizer = startTokenizer();
        tokenizer.push(probe, out);
        probe = '';
      }
      yield* drain();
    }
    tokenizer ??= startTokenizer();
    try {
      tokenizer.end(out);
    } catch (err) {
      if (!(err instanceof UnterminatedQuoteError)) throw err;
      throw new SourceError(
        'SOURCE_UNTERMINATED_QUOTE',
        `${description}: unterminated quote starting on line ${err.line}: the file ends inside a quoted field. Check that quote for a missing closing " (a quote inside a value must be doubled: "")`,
        { context: { file: description, line: err.line } },
      );
    }
    yield* drain();
    if (header === null) {
      throw new SourceError('SOURCE_NO_HEADER', `${description}: no header line (line 1 and every line after it are blank): export the table again, with its header row`, {
        context: { file: description, line: 1 },
      });
    }
  }

  return { description, info, rows };
}

function rowProblem(rec: CsvRecord, names: string[], utf8: boolean): RowProblem | null {
  if (rec.fieldCount !== names.length) {
    const more = rec.fieldCount > names.length;
    return {
      code: 'row.ragged',
      message: more
        ? `line ${rec.line} has ${rec.fieldCount} fields, the header has ${names.length}: a value probably contains the delimiter without quotes; quote such values in the export`
        : `line ${rec.line} has ${rec.fieldCount} fields, the header has ${names.length}: fields are missing (a line break inside an unquoted value?); fix the row in the export`,
    };
  }
  if (rec.overlong) {
    const cols = rec.overlong.map((i) => `"${names[i] ?? `column ${i + 1}`}"`).join(', ');
    return {
      code: 'field.too_long',
      message: `line ${rec.line}: the value of ${cols} is longer than the reader keeps per field: no Okta attribute holds that much; the export is probably damaged there`,
    };
  }
  if (rec.badQuotes) {
    return {
      code: 'row.bad_quotes',
      message: `line ${rec.line}: text follows a closing quote ("Anna"x): a quote inside a quoted value must be doubled (""); fix the row in the export`,
    };
  }
  if (rec.fields.some(looksUtf16)) {
    return {
      code: 'row.encoding',
      message: `line ${rec.line} holds NUL characters (zero bytes between the letters): this part of the file is probably UTF-16 without a byte-order mark; export the file as UTF-8 (or set encoding: auto for this source)`,
    };
  }
  if (utf8 && rec.fields.some((f) => f.includes(REPLACEMENT_CHARACTER))) {
    return {
      code: 'row.encoding',
      message: `line ${rec.line} holds bytes that are not valid UTF-8 (shown as \uFFFD): the file is probably Windows-1252; set encoding: windows-1252 (or auto) for this source`,
    };
  }
  return null;
}

/** Counts each candidate outside quotes in the first line; the most frequent wins, ties in the order ; , tab |. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: string = DELIMITERS[0];
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = counts.get(d) ?? 0;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}
