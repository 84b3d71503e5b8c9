import { describe, expect, it } from 'vitest';
import { CsvTokenizer, UnterminatedQuoteError, type CsvRecord } from '../../src/source/csv-tokenizer.js';

function tokenize(text: string, chunkSize = text.length || 1, maxField = 1000): CsvRecord[] {
  const t = new CsvTokenizer(';', maxField);
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunkSize) t.push(text.slice(i, i + chunkSize), out);
  t.end(out);
  return out;
}

const brief = (recs: CsvRecord[]): [number, string[]][] => recs.map((r) => [r.line, r.fields]);

describe('csv-tokenizer', () => {
  const tricky = 'a;b;c\r\n"x;y";"say ""hi""";"multi\r\nline"\r\n\r\n1;2;3\n\n;;\n4;"5\n\n5";6\r7;8;9';

  it('reads quoted delimiters, doubled quotes and line breaks with the line where each record starts', () => {
    expect(brief(tokenize(tricky))).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['x;y', 'say "hi"', 'multi\r\nline']],
      [5, ['1', '2', '3']],
      [8, ['4', '5\n\n5', '6']],
      [11, ['7', '8', '9']],
    ]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const whole = tokenize(tricky);
    for (const size of [1, 2, 3, 5, 7, 13]) expect(tokenize(tricky, size)).toEqual(whole);
  });

  it('skips blank, whitespace-only and delimiter-only lines but keeps a quoted empty value', () => {
    expect(brief(tokenize('a;b\n   \n;;;\n""\n'))).toEqual([
      [1, ['a', 'b']],
      [4, ['']],
    ]);
  });

  it('keeps a quote inside an unquoted value literally', () => {
    expect(tokenize('O"Brien;x')[0]).toMatchObject({ fields: ['O"Brien', 'x'], badQuotes: false });
  });

  it('flags text after a closing quote', () => {
    expect(tokenize('"Anna"x;y')[0]).toMatchObject({ fields: ['Annax', 'y'], badQuotes: true });
  });

  it('cuts a field at maxFieldLength and flags it, across chunks', () => {
    const rec = tokenize(`k;${'z'.repeat(5000)};v`, 64, 100)[0]!;
    expect(rec.fields[1]).toHaveLength(100);
    expect(rec.fields[2]).toBe('v');
    expect(rec.overlong).toEqual([1]);
  });

  it('counts fields beyond maxFields without storing them', () => {
    const t = new CsvTokenizer(';', 100, 5);
    const out: CsvRecord[] = [];
    t.push(`${'x;'.repeat(20)}x`, out);
    t.end(out);
    expect(out[0]!.fields).toHaveLength(5);
    expect(out[0]!.fieldCount).toBe(21);
  });

  it('throws UnterminatedQuoteError with the line of the opening quote', () => {
    expect(() => tokenize('a;b\n1;2\n3;"open\nmore\n')).toThrow(UnterminatedQuoteError);
    try {
      tokenize('a;b\n1;2\n3;"open\nmore\n');
    } catch (err) {
      expect((err as UnterminatedQuoteError).line).toBe(3);
    }
  });

  it('emits the last record without a trailing line break', () => {
    expect(brief(tokenize('a;b\n1;2'))).toEqual([[1, ['a', 'b']], [2, ['1', '2']]]);
  });
});
