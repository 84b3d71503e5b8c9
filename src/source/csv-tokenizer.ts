/**
 * A streaming RFC 4180 tokenizer with the leniency real exports need. Text goes in chunk by chunk;
 * complete records come out with the physical line where they start. Memory is bounded: a field is
 * kept up to `maxFieldLength` characters (the rest is skipped and the field flagged), a record up to
 * `maxRecordLength` characters and `maxFields` fields, so a 10 MB field or a runaway quote cannot
 * exhaust memory.
 *
 * Leniency (each case is reported, never guessed silently):
 * - a quote inside an unquoted field is literal (`O"Brien`), as Excel writes it;
 * - text after a closing quote (`"Anna"x`) is appended and the record flagged `badQuotes`;
 * - line breaks: LF, CRLF and a lone CR (old Mac exports) all end a line.
 */
export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
  /** Number of fields seen, which exceeds fields.length when the record had more than maxFields. */
  fieldCount: number;
  /** Indexes of fields cut at maxFieldLength, or null. */
  overlong: number[] | null;
  badQuotes: boolean;
}

export class UnterminatedQuoteError extends Error {
  constructor(readonly line: number) {
    super(`unterminated quote starting on line ${line}`);
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: either the first of `""` or the closing quote. */
  QuoteSeen,
}

export class CsvTokenizer {
  private readonly delimiter: number;
  private state = State.FieldStart;
  private fields: string[] = [];
  private fieldCount = 0;
  private field = '';
  private fieldCut = false;
  private overlong: number[] | null = null;
  private badQuotes = false;
  private anyQuoted = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private prevCR = false;
  private recordLength = 0;

  constructor(
    delimiter: string,
    private readonly maxFieldLength: number,
    private readonly maxFields = 10_000,
    private readonly maxRecordLength = 4 * maxFieldLength,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Feeds a chunk; appends each completed record to `out` (blank lines are not records). */
  push(text: string, out: CsvRecord[]): void {
    const n = text.length;
    const d = this.delimiter;
    let seg = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const wasCR = this.prevCR;
      this.prevCR = c === CR;
      switch (this.state) {
        case State.FieldStart:
          if (c === d) {
            this.endField();
          } else if (c === LF || c === CR) {
            this.endRecord(out);
            this.newline(c, wasCR);
          } else if (c === QUOTE) {
            this.state = State.Quoted;
            this.anyQuoted = true;
            this.quoteLine = this.line;
            seg = i + 1;
          } else {
            this.state = State.Unquoted;
            seg = i;
          }
          break;
        case State.Unquoted:
          if (c === d) {
            this.append(text, seg, i);
            this.endField();
          } else if (c === LF || c === CR) {
            this.append(text, seg, i);
            this.endRecord(out);
            this.newline(c, wasCR);
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.append(text, seg, i);
            this.state = State.QuoteSeen;
          } else if (c === CR || (c === LF && !wasCR)) {
            this.line++;
          }
          break;
        case State.QuoteSeen:
          if (c === QUOTE) {
            this.state = State.Quoted;
            seg = i; // the second quote of `""` is the literal quote
          } else if (c === d) {
            this.endField();
          } else if (c === LF || c === CR) {
            this.endRecord(out);
            this.newline(c, wasCR);
          } else {
            this.badQuotes = true;
            this.state = State.Unquoted;
            seg = i;
          }
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.append(text, seg, n);
  }

  /** Ends the input: emits a last record without a line break; throws on a quote never closed. */
  end(out: CsvRecord[]): void {
    if (this.state === State.Quoted) throw new UnterminatedQuoteError(this.quoteLine);
    if (this.state !== State.FieldStart || this.fields.length > 0 || this.field !== '') this.endRecord(out);
  }

  private newline(c: number, wasCR: boolean): void {
    // The LF of a CRLF was counted with its CR (and ended an empty "record" that is dropped as blank).
    if (!(c === LF && wasCR)) this.line++;
    this.recordLine = this.line;
  }

  private append(text: string, from: number, to: number): void {
    if (to <= from) return;
    const room = Math.min(this.maxFieldLength - this.field.length, this.maxRecordLength - this.recordLength);
    const take = Math.min(to - from, Math.max(0, room));
    if (take > 0) {
      this.field += from === 0 && take === text.length ? text : text.slice(from, from + take);
      this.recordLength += take;
    }
    if (take < to - from) this.fieldCut = true;
  }

  private endField(): void {
    if (this.fieldCount < this.maxFields) {
      if (this.fieldCut) (this.overlong ??= []).push(this.fields.length);
      this.fields.push(this.field);
    }
    this.fieldCount++;
    this.field = '';
    this.fieldCut = false;
    this.state = State.FieldStart;
  }

  private endRecord(out: CsvRecord[]): void {
    this.endField();
    const fields = this.fields;
    if (!this.anyQuoted && isBlank(fields)) {
      this.reset();
      return;
    }
    out.push({ line: this.recordLine, fields, fieldCount: this.fieldCount, overlong: this.overlong, badQuotes: this.badQuotes });
    this.reset();
  }

  private reset(): void {
    this.fields = [];
    this.fieldCount = 0;
    this.overlong = null;
    this.badQuotes = false;
    this.anyQuoted = false;
    this.recordLength = 0;
  }
}

/** A line holding nothing but whitespace and delimiters carries no record (Excel pads sheets with `;;;;`). */
function isBlank(fields: string[]): boolean {
  for (const f of fields) if (f.trim() !== '') return false;
  return true;
}
