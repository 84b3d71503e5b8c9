import { createReadStream, promises as fs } from 'node:fs';
import { SourceError } from '../core/errors.js';
import {
  AUTO_DETECT_BYTES,
  createDecoder,
  resolveEncoding,
  type ResolvedEncoding,
  type TextStreamDecoder,
  type SourceEncoding,
} from './encoding.js';

/** Bytes read per chunk: large enough for throughput, small enough that memory stays flat. */
const CHUNK_BYTES = 256 * 1024;

export interface DecodedText {
  /** Known once the first chunk has been yielded. */
  encoding: ResolvedEncoding | null;
  chunks: AsyncGenerator<string>;
  /** UTF-8: true once the text so far held bytes that are not valid UTF-8 (written as U+FFFD). */
  invalidBytesSeen(): boolean;
}

/**
 * Streams a text file as decoded string chunks. Throws SourceError for a missing, unreadable or empty
 * file, naming the description the user knows (`panelists.csv`) and the config key that points at it.
 */
export function readDecodedText(
  file: string,
  description: string,
  configured: SourceEncoding,
  signal: AbortSignal | undefined,
  configKey: string,
): DecodedText {
  let decoder: TextStreamDecoder | null = null;
  const result: DecodedText = { encoding: null, chunks: generate(), invalidBytesSeen: () => decoder?.invalidBytesSeen() ?? false };
  return result;

  async function* generate(): AsyncGenerator<string> {
    await assertReadableFile(file, description, configKey);
    signal?.throwIfAborted();
    const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let bomLength = 0;
    let totalBytes = 0;
    const start = (sample: Buffer, atEof: boolean): TextStreamDecoder => {
      // Decide on the first AUTO_DETECT_BYTES only, however large the first chunk: the rule is documented.
      const head = sample.subarray(0, AUTO_DETECT_BYTES);
      const resolved = resolveEncoding(configured, head, atEof && head.length === sample.length);
      bomLength = resolved.bomBytes;
      result.encoding = resolved.encoding;
      return createDecoder(resolved.encoding);
    };
    try {
      for await (const raw of stream as AsyncIterable<Buffer>) {
        signal?.throwIfAborted();
        totalBytes += raw.length;
        if (decoder) {
          const text = decoder.write(raw);
          if (text) yield text;
          continue;
        }
        pending.push(raw);
        pendingBytes += raw.length;
        if (pendingBytes < AUTO_DETECT_BYTES) continue;
        const first = Buffer.concat(pending);
        pending = [];
        decoder = start(first, false);
        const text = decoder.write(first.subarray(bomLength));
        if (text) yield text;
      }
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new SourceError('SOURCE_READ', `${description}: cannot read ${file}: ${(err as Error).message}`, {
        context: { file: description },
        cause: err,
      });
    } finally {
      stream.destroy();
    }
    if (!decoder) {
      const first = Buffer.concat(pending);
      decoder = start(first, true);
      const text = decoder.write(first.subarray(bomLength));
      if (text) yield text;
    }
    if (totalBytes === 0 || totalBytes === bomLength) {
      throw new SourceError('SOURCE_EMPTY', `${description}: line 1: the file is empty (${totalBytes} bytes): export the table again, with its header line`, {
        context: { file: description, line: 1 },
      });
    }
    const tail = decoder.end();
    if (tail) yield tail;
  }
}

async function assertReadableFile(file: string, description: string, configKey: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SourceError('SOURCE_FILE_MISSING', `${description}: file ${file} not found: check ${configKey} (relative paths are relative to the config file)`, {
        context: { file: description },
        cause: err,
      });
    }
    throw new SourceError('SOURCE_READ', `${description}: cannot open ${file}: ${(err as Error).message}`, { context: { file: description }, cause: err });
  }
  if (!stat.isFile()) {
    throw new SourceError('SOURCE_NOT_A_FILE', `${description}: ${file} is not a regular file: point ${configKey} at the exported file`, {
      context: { file: description },
    });
  }
}
