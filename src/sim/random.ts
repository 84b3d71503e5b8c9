import { randomBytes } from 'node:crypto';

/**
 * A small seeded PRNG (mulberry32). With `--seed` the faults (and ids) are reproducible, so a test
 * that asks for a 30 % fail rate knows exactly which requests fail.
 */
export class Rng {
  private state: number;

  constructor(seed: number | null) {
    this.state = (seed ?? randomBytes(4).readUInt32LE(0)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Okta-looking ids: a 3-char type prefix (00u user, 00g group, 0oa app, ocs secret) + 17 chars. */
export class IdMaker {
  constructor(private readonly rng: Rng) {}

  make(prefix: string, length = 20): string {
    let s = prefix;
    while (s.length < length) s += ALNUM[Math.floor(this.rng.next() * ALNUM.length)];
    return s;
  }
}

/** Unpredictable strings for tokens and secrets: always from the OS, never from the seeded PRNG. */
export function secretString(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
