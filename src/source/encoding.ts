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
  return { encoding: isCleanUtf8(sample, atEof) ? 'utf-8' : 'windows-1252', bomBytes: 0 };
}

/** True when `bytes` is valid UTF-8; an incomplete sequence cut off at the end counts as valid unless at EOF. */
export function isCleanUtf8(bytes: Buffer, atEof: boolean): boolean {
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
}

export function createDecoder(encoding: ResolvedEncoding): TextStreamDecoder {
  // stripBOM false: the BOM is cut off by the caller (resolveEncoding tells how many bytes).
  const decoder = iconv.getDecoder(encoding, { stripBOM: false });
  return {
    write: (chunk) => decoder.write(chunk),
    end: () => decoder.end() ?? '',
  };
}

/** U+FFFD: what a decoder writes for bytes that are not valid in the encoding. */
export const REPLACEMENT_CHARACTER = '\uFFFD';
