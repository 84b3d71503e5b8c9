import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EfsOktaError } from '../core/errors.js';
import { PrivateFileError, writePrivateFile } from '../files/private-file.js';

/**
 * `portal-credentials.json`: the one place a portal's client secret is ever written. Okta shows a
 * secret only in the answer that created it, so it must be on disk before the journal says the
 * portal is registered. Keyed by portal key; entries of other portals are kept (merge); an entry
 * newer than the one being written is never overwritten. Written like every private file
 * (files/private-file.ts): mode 0600, never through a symlink, replaced atomically.
 */
export interface PortalCredentialEntry {
  clientId: string;
  clientSecret: string;
  appId: string;
  label: string;
  /** ISO 8601: when Okta issued this secret (as far as we know: when we received it). */
  issuedAt: string;
  /** Okta's id of this secret (not a secret): a rotation never removes it before its replacement is here. */
  secretId?: string;
}

/** Where the phase hands a new secret over; the file below, or a fake in tests. */
export interface CredentialsSink {
  /** For messages. */
  readonly path: string;
  write(portalKey: string, entry: PortalCredentialEntry): void;
  /** Okta's id of the secret on file for this portal's app, when the file holds one and knows it. */
  secretIdOnFile(portalKey: string, appId: string): string | null;
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

  secretIdOnFile(portalKey: string, appId: string): string | null {
    const entries = this.read();
    const entry = Object.prototype.hasOwnProperty.call(entries, portalKey) ? entries[portalKey] : undefined;
    return entry && entry.appId === appId && typeof entry.secretId === 'string' ? entry.secretId : null;
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
    try {
      writePrivateFile(this.path, text, 'client secrets');
    } catch (err) {
      const symlink = err instanceof PrivateFileError && err.code === 'PRIVATE_FILE_SYMLINK';
      throw new CredentialsFileError(symlink ? 'CREDENTIALS_SYMLINK' : 'CREDENTIALS_WRITE', symlink ? `the credentials file: ${(err as Error).message} (portals.credentialsFile)` : `cannot write the credentials file ${this.path}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}; fix the path or permissions (portals.credentialsFile) and run again`, {
        context: { path: this.path },
        cause: err,
      });
    }
  }
}
