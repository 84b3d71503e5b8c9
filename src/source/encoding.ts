import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';

/**
 * Character sets of EFS exports. EFS lets the operator choose the character set on export, so real
 * files arrive as UTF-8 (with or without a byte-order mark), Windows-1252 or ISO-8859-1.
 */
export type SourceEncoding = 'utf-8' | 'windows-1252' | 'iso-8859-1' | 'auto';

/** What the decoder actually uses after looking at the first bytes. */
export type ResolvedEncoding = 'utf-8' | 'windows-1252' | 'iso-8859-1' | 'utf-16le' | 'utf-16be';

/** Config spellings (`utf8`, `cp1252`, `latin1`, …) to the canonical name. */
export function canonicalEncoding(value: string | undefined): SourceEncoding {
  switch ((value ?? 'auto').toLowerCase()) {
    case 'utf-8':
    case 'utf8':
      return 'utf-8';
    case 'windows-1252':
    case 'cp1252':
      return 'windows-1252';
    case 'iso-8859-1':
    case 'latin1':
      return 'iso-8859-1';
    case 'auto':
      return 'auto';
    default:
      throw new RangeError(`unknown encoding ${JSON.stringify(value)}: use utf-8, windows-1252, iso-8859-1 or auto`);
  }
}

/** How many bytes `auto` looks at before deciding. */
export const AUTO_DETECT_BYTES = 64 * 1024;

/**
 * Picks the decoder from the first bytes. A byte-order mark wins over the configured encoding (it is
 * the file's own statement of what it is). `auto` means UTF-8 if the sample decodes cleanly, else
 * Windows-1252 (a superset of ISO-8859-1's printable range and what Excel writes on Windows).
 */
export function resolveEncoding(configured: SourceEncoding, sample: Buffer, atEof: boolean): { encoding: ResolvedEncoding; bomBytes: number } {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
  if (configured !== 'auto') return { encoding: configured, bomBytes: 0 };
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, bomBytes: 0 };
  return { encoding: isCleanUtf8(sample, atEof) ? 'utf-8' : 'windows-1252', bomBytes: 0 };
}

/**
 * UTF-16 without a byte-order mark (some Windows tools write it): mostly-Latin text then has a zero
 * byte in every other position (the high byte of each character), which is valid UTF-8 of NUL
 * characters and would otherwise pass as such.
 */
function utf16WithoutBom(sample: Buffer): 'utf-16le' | 'utf-16be' | null {
  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  if (pairs < 2) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < pairs; i++) {
    if (sample[2 * i] === 0) evenZero++;
    if (sample[2 * i + 1] === 0) oddZero++;
  }
  if (oddZero >= pairs * 0.4 && evenZero <= pairs * 0.05) return 'utf-16le';
  if (evenZero >= pairs * 0.4 && oddZero <= pairs * 0.05) return 'utf-16be';
  return null;
}

/** True when `bytes` is valid UTF-8; an incomplete sequence cut off at the end counts as valid unless at EOF. */
function isCleanUtf8(bytes: Buffer, atEof: boolean): boolean {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(bytes, { stream: !atEof });
    return true;
  } catch {
    return false;
  }
}

/** A streaming decoder: bytes in, text out, multi-byte sequences split across chunks handled. */
export interface TextStreamDecoder {
  write(chunk: Buffer): string;
  end(): string;
  /**
   * UTF-8 only: true once bytes that are not valid UTF-8 were met (and written as U+FFFD). Until
   * then a U+FFFD in the text is one the file really holds, not a sign of a wrong encoding.
   */
  invalidBytesSeen(): boolean;
}

export function createDecoder(encoding: ResolvedEncoding): TextStreamDecoder {
  // stripBOM false: the BOM is cut off by the caller (resolveEncoding tells how many bytes).
  const decoder = iconv.getDecoder(encoding, { stripBOM: false });
  // A strict decoder fed the same bytes notices the first invalid sequence (then it is dropped).
  let strict: TextDecoder | null = encoding === 'utf-8' ? new TextDecoder('utf-8', { fatal: true }) : null;
  let invalid = false;
  const check = (chunk: Buffer | undefined): void => {
    if (!strict) return;
    try {
      strict.decode(chunk, { stream: chunk !== undefined });
    } catch {
      invalid = true;
      strict = null;
    }
  };
  return {
    write: (chunk) => {
      check(chunk);
      return decoder.write(chunk);
    },
    end: () => {
      check(undefined);
      return decoder.end() ?? '';
    },
    invalidBytesSeen: () => invalid,
  };
}

/** Text with a NUL after letter after letter: UTF-16 read as a one-byte encoding (a lone NUL is just a control character). */
export function looksUtf16(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /(?:[^\u0000]\u0000){3}/.test(text);
}

/** U+FFFD: what a decoder writes for bytes that are not valid in the encoding. */
export const REPLACEMENT_CHARACTER = '\uFFFD';
