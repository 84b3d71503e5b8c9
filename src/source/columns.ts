import { SourceError } from '../core/errors.js';
import type { MappedColumn } from './mapped-columns.js';

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/** Header cells as column names: trimmed, BOM and zero-width characters removed, blanks named by position. */
export function headerNames(cells: string[]): string[] {
  return cells.map((c, i) => {
    const name = c.replace(ZERO_WIDTH, '').trim();
    return name === '' ? `(column ${i + 1})` : name;
  });
}

/**
 * Refuses duplicated column names and columns the config needs but the header lacks: a file that
 * fails here would otherwise be misread the same way on every record.
 */
export function checkHeader(
  description: string,
  names: string[],
  line: number,
  required: MappedColumn[],
  delimiter: string | null,
): void {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new SourceError(
        'SOURCE_HEADER_DUPLICATE',
        `${description}: column "${name}" appears twice in the header line ${line} (columns ${first + 1} and ${i + 1}): every column name must be unique; rename or remove one in the export`,
        { context: { file: description, line, column: name } },
      );
    }
    seen.set(name, i);
  });
  const missing = required.filter((r) => !seen.has(r.column));
  if (missing.length === 0) return;
  const shown = names.length > 30 ? `${names.slice(0, 30).join(', ')}, … (${names.length} columns)` : names.join(', ');
  const lines = missing.map((m) => {
    const near = names.find((n) => n.toLowerCase() === m.column.toLowerCase());
    const hint = near ? ` (the header has "${near}": names are case-sensitive)` : '';
    return `column "${m.column}" (${m.key}) not in the header line ${line}${hint}`;
  });
  throw new SourceError(
    'SOURCE_COLUMN_MISSING',
    `${description}: ${lines.join('; ')}; the header has: ${shown}${hint(names, delimiter, missing.length === required.length && required.length > 1)}`,
    { context: { file: description, line, column: missing[0]?.column } },
  );
}

/**
 * A one-column header that contains another delimiter means the delimiter setting is wrong; a header
 * without any of the mapped columns is probably a data row (the export lacks its header).
 */
function hint(names: string[], delimiter: string | null, noneFound: boolean): string {
  const only = names.length === 1 ? (names[0] ?? '') : '';
  for (const d of [';', ',', '\t', '|']) {
    if (only !== '' && d !== delimiter && only.includes(d)) {
      return `. The header line looks ${d === '\t' ? 'tab' : `"${d}"`}-separated: set delimiter: "${d === '\t' ? '\\t' : d}" (or "auto") for this source`;
    }
  }
  return noneFound ? '. The first line must be the header row naming the columns (is it missing from the export?)' : '';
}
