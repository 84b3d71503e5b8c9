import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { EfsOktaError } from '../core/errors.js';

/**
 * `portal-credentials.json`: the one place a portal's client secret is ever written. Okta shows a
 * secret only in the answer that created it, so it must be on disk before the journal says the
 * portal is registered. Keyed by portal key; entries of other portals are kept (merge); an entry
 * newer than the one being written is never overwritten. Mode 0600, replaced atomically (temp file
 * + fsync + rename) so a crash leaves the old file or the new one, never half of one.
 */
export interface PortalCredentialEntry {
  clientId: string;
  clientSecret: string;
  appId: string;
  label: string;
  /** ISO 8601: when Okta issued this secret (as far as we know: when we received it). */
  issuedAt: string;
}

/** Where the phase hands a new secret over; the file below, or a fake in tests. */
export interface CredentialsSink {
  /** For messages. */
  readonly path: string;
  write(portalKey: string, entry: PortalCredentialEntry): void;
}

/** The credentials file cannot be read or written (exit 3: the secret must not be lost silently). */
export class CredentialsFileError extends EfsOktaError {
  override readonly exitCode = 3;
}

export class CredentialsFile implements CredentialsSink {
  readonly path: string;

  constructor(file: string) {
    this.path = path.resolve(file);
  }

  /** Every entry in the file; an empty object when there is no file yet. */
  read(): Record<string, PortalCredentialEntry> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return {};
      throw new CredentialsFileError('CREDENTIALS_READ', `cannot read the credentials file ${this.path}: ${(err as Error).message}; check the path and its permissions (portals.credentialsFile)`, {
        context: { path: this.path },
        cause: err,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      parsed = err;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || parsed instanceof Error) {
      // Not ours to repair: it may hold the only copy of other portals' secrets.
      throw new CredentialsFileError('CREDENTIALS_UNREADABLE', `the credentials file ${this.path} is not a JSON object: move it away (it may hold secrets) and run again`, {
        context: { path: this.path },
      });
    }
    return parsed as Record<string, PortalCredentialEntry>;
  }

  write(portalKey: string, entry: PortalCredentialEntry): void {
    const existing = this.read();
    const current = Object.prototype.hasOwnProperty.call(existing, portalKey) ? existing[portalKey] : undefined;
    const currentAt = current ? Date.parse(current.issuedAt) : Number.NaN;
    if (current && !(currentAt <= Date.parse(entry.issuedAt))) {
      throw new CredentialsFileError(
        'CREDENTIALS_NEWER',
        `the credentials file ${this.path} already holds a secret for portal ${portalKey} issued ${current.issuedAt}, newer than the one being written (${entry.issuedAt}): ` +
          'another run or a clock change? Move the file away (keep the newer secret) and run with --rotate-secret ' + portalKey,
        { context: { path: this.path, portalKey } },
      );
    }
    const merged = new Map(Object.entries(existing));
    merged.set(portalKey, entry);
    const sorted = Object.fromEntries([...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.replace(`${JSON.stringify(sorted, null, 2)}\n`);
  }

  private replace(text: string): void {
    const dir = path.dirname(this.path);
    const tmp = path.join(dir, `.${path.basename(this.path)}.${process.pid}.tmp`);
    try {
      mkdirSync(dir, { recursive: true });
      const fd = openSync(tmp, 'w', 0o600);
      try {
        // The umask may narrow the mode but never widen it; fchmod makes it exactly 0600 anyway.
        fchmodSync(fd, 0o600);
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      syncDir(dir);
    } catch (err) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // nothing was created there
      }
      throw new CredentialsFileError('CREDENTIALS_WRITE', `cannot write the credentials file ${this.path}: ${(err as Error).message}; fix the path or permissions (portals.credentialsFile) and run again`, {
        context: { path: this.path },
        cause: err,
      });
    }
  }
}

/** Makes the rename durable; some file systems refuse to open a directory, which is fine. */
function syncDir(dir: string): void {
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
