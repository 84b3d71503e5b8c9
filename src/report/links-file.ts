import { closeSync, writeSync } from 'node:fs';
import { createPrivateAppendFile } from '../files/private-file.js';
import { csvLine } from './csv.js';

/**
 * Activation links (--no-email) are as good as a password-set link: they go to a file only its
 * owner can read (created exclusively, mode 0600, never through a symlink), never to stdout or logs.
 */
export class LinksFile {
  private fd: number | null = null;
  count = 0;

  constructor(readonly file: string) {}

  write(kind: string, key: string, login: string, url: string): void {
    if (this.fd === null) {
      this.fd = createPrivateAppendFile(this.file, 'activation links');
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
