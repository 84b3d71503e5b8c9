import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { EfsOktaError } from '../core/errors.js';

/**
 * Every file the tool writes that holds personal data or a secret (reports, `verify -o`, activation
 * links, the portal credentials file) goes through here, so each one ends mode 0600 and none is
 * written through a symbolic link:
 * - an existing symlink at the path is refused (it could point at any file the operator can write,
 *   and a report written "to" it would land there; a link made by someone else in a shared folder
 *   is the classic way to have a privileged tool overwrite a file of the attacker's choice);
 * - the content goes to a new temp file in the same folder (O_EXCL, 0600, then fchmod 0600: the
 *   umask can only narrow a mode) and is renamed over the path, so a file that existed with 0644
 *   is replaced, not rewritten in place with its old mode, and a crash leaves the old file or the
 *   new one, never half of one.
 */
export class PrivateFileError extends EfsOktaError {
  override readonly exitCode = 3;
}

/** Refuses a path that is a symbolic link; creates its folder. */
function prepare(file: string, what: string): string {
  const target = path.resolve(file);
  let isLink = false;
  try {
    isLink = lstatSync(target).isSymbolicLink();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw failed(target, what, err);
  }
  if (isLink) {
    throw new PrivateFileError('PRIVATE_FILE_SYMLINK', `${target} is a symbolic link: efs-okta does not write ${what} through a link (it would overwrite the file the link points to); give the real path, or remove the link`, {
      context: { path: target },
    });
  }
  try {
    mkdirSync(path.dirname(target), { recursive: true });
  } catch (err) {
    throw failed(target, what, err);
  }
  return target;
}

function failed(target: string, what: string, err: unknown): PrivateFileError {
  return new PrivateFileError('PRIVATE_FILE_WRITE', `cannot write ${what} to ${target}: ${(err as Error).message}; fix the path or its permissions and run again`, {
    context: { path: target },
    cause: err,
  });
}

function tempBeside(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function openTemp(tmp: string): number {
  const fd = openSync(tmp, 'wx', 0o600);
  fchmodSync(fd, 0o600);
  return fd;
}

/** Replaces `file` with `text` atomically; the result is mode 0600. */
export function writePrivateFile(file: string, text: string, what = 'personal data'): string {
  const target = prepare(file, what);
  const tmp = tempBeside(target);
  try {
    const fd = openTemp(tmp);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    syncDir(path.dirname(target));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw failed(target, what, err);
  }
  return target;
}

/** A stream into a temp file that becomes `file` on `commit()` (after the stream ended); `abort()` removes it. */
export interface PrivateFileStream {
  readonly stream: WriteStream;
  readonly path: string;
  commit(): void;
  abort(): void;
}

export function openPrivateStream(file: string, what = 'personal data'): PrivateFileStream {
  const target = prepare(file, what);
  const tmp = tempBeside(target);
  let fd: number;
  try {
    fd = openTemp(tmp);
  } catch (err) {
    throw failed(target, what, err);
  }
  const stream = createWriteStream(tmp, { fd, autoClose: false });
  return {
    stream,
    path: target,
    commit: () => {
      try {
        fsyncSync(fd);
        closeSync(fd);
        renameSync(tmp, target);
      } catch (err) {
        rmSync(tmp, { force: true });
        throw failed(target, what, err);
      }
      syncDir(path.dirname(target));
    },
    abort: () => {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      rmSync(tmp, { force: true });
    },
  };
}

/**
 * A new file to append to as the run goes (activation links: each must be on disk before the next
 * call). Created exclusively (an existing file or link at the path is refused by the O_EXCL open),
 * mode exactly 0600.
 */
export function createPrivateAppendFile(file: string, what = 'personal data'): number {
  const target = prepare(file, what);
  try {
    return openTemp(target);
  } catch (err) {
    throw failed(target, what, err);
  }
}

/** Makes a rename durable; some file systems refuse to open a folder, which is fine. */
export function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
