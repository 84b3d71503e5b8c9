import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { csvLine } from './csv.js';

/**
 * Activation links (--no-email) are as good as a password-set link: they go to a file only its
 * owner can read (created 0600, never widened), never to stdout or logs.
 */
export class LinksFile {
  private fd: number | null = null;
  count = 0;

  constructor(readonly file: string) {}

  write(kind: string, key: string, login: string, url: string): void {
    if (this.fd === null) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, 'wx', 0o600);
      writeSync(this.fd, csvLine(['kind', 'key', 'login', 'activation_url']));
    }
    writeSync(this.fd, csvLine([kind, key, login, url]));
    this.count++;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
