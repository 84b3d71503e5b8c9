import type { UserKind } from '../../src/core/types.js';
import type { SqliteJournal } from '../../src/journal/sqlite.js';
import type { JournalRow } from '../../src/journal/types.js';
import type { UserRecord } from '../../src/records/types.js';
import { userRecord } from '../helpers/records.js';

/**
 * A journal as a run leaves it, written through the journal's own API (the same calls a run makes):
 * records from a snapshot, state changes, runs and activity rows. Names, emails and keys are
 * distinctive so that tests can prove none of them reaches the dashboard.
 */
export const SECRET_HASH = 'HASHVALUE-zq81-never-show';

export function personalData(kind: UserKind, i: number): { key: string; email: string; firstName: string; lastName: string } {
  return { key: `${kind.toUpperCase()}KEY${1000 + i}`, email: `person${i}.${kind}@customer-example.org`, firstName: `Firstname${i}x`, lastName: `Lastname${i}y` };
}

export function seedRecords(journal: SqliteJournal, now: number, counts: { admin?: number; panelist?: number; invalid?: number; federated?: number; withHash?: boolean }): void {
  const snap = journal.beginSnapshot();
  const records: UserRecord[] = [];
  for (const kind of ['admin', 'panelist'] as const) {
    snap.markKindRead(kind);
    for (let i = 0; i < (counts[kind] ?? 0); i++) {
      const p = personalData(kind, i);
      records.push(userRecord(kind, p.key, p.email, {
        firstName: p.firstName, lastName: p.lastName,
        passwordHash: counts.withHash ? { algorithm: 'BCRYPT', value: SECRET_HASH, salt: 'saltsaltsaltsaltsaltsa', workFactor: 10 } : null,
      }));
    }
  }
  for (let i = 0; i < (counts.invalid ?? 0); i++) {
    const p = personalData('panelist', 5000 + i);
    const email = `broken${i}@customer-example`;
    records.push(userRecord('panelist', p.key, email, { classification: { state: 'invalid', reason: i % 2 ? 'email.tld' : 'email.invalid', message: `"${email}" is not an email address Okta accepts` } }));
  }
  for (let i = 0; i < (counts.federated ?? 0); i++) {
    const p = personalData('panelist', 7000 + i);
    records.push(userRecord('panelist', p.key, `fed${i}@sso-company.example`, { classification: { state: 'skipped', reason: 'federated', message: 'signs in through the company IdP' } }));
  }
  for (const r of records) snap.add(r);
  snap.apply(now);
  snap.discard();
}

/** Moves the first `n` pending records of a kind to `state` (as a create run would). */
export function settle(journal: SqliteJournal, kind: UserKind, n: number, now: number, state: 'staged' | 'active' | 'failed' | 'conflict' = 'staged'): number {
  const rows = journal.page({ kinds: [kind], states: ['pending'] }, null, n);
  journal.db.transaction(() => rows.forEach((r) => settleOne(journal, r, state, now)))();
  return rows.length;
}

function settleOne(journal: SqliteJournal, r: JournalRow, state: 'staged' | 'active' | 'failed' | 'conflict', now: number): void {
  const kind = r.kind;
  if (state === 'failed') journal.setState(kind, r.key, { state, reason: 'okta.E0000001', message: `Okta rejected ${r.login}: api validation failed`, lastError: 'E0000001', attemptsIncrement: true }, now);
  else if (state === 'conflict') journal.setState(kind, r.key, { state, reason: 'conflict.login_exists', message: `login ${r.login} already exists in Okta (not ours)` }, now);
  else journal.setState(kind, r.key, { state, oktaId: `00u${r.key}`, ours: true, clearPasswordHash: true }, now);
}

export function progress(journal: SqliteJournal, at: number, p: { phase?: string; done: number; total: number; ratePerMinute: number; rateLimited: number; etaMs: number | null }): void {
  const { phase = 'create', ...detail } = p;
  journal.logActivity(null, { at, type: 'progress', code: phase, detail: JSON.stringify(detail) });
}

export function rateLearned(journal: SqliteJournal, at: number, bucket: string, limit: number, share: number, remaining = limit / 2): void {
  journal.logActivity(null, { at, type: 'rate:learned', code: bucket, detail: JSON.stringify({ limit, remaining, resetAt: at + 30_000, share }) });
}

export function rateLimited(journal: SqliteJournal, at: number, bucket = '/api/v1/users'): void {
  journal.logActivity(null, { at, type: 'rate:limited', code: 'rate', detail: `${bucket} 1000ms` });
}

export function retry(journal: SqliteJournal, at: number, code = 'E0000047'): void {
  journal.logActivity(null, { at, type: 'request:retry', code, detail: '/api/v1/users' });
}

/** A failure as the activity subscriber logs it (the message quotes the login on purpose). */
export function failedActivity(journal: SqliteJournal, at: number, kind: UserKind, i: number): void {
  const p = personalData(kind, i);
  journal.logActivity(null, { at, type: 'user:failed', kind, key: p.key, code: 'E0000001', detail: `Okta rejected ${p.email} (${p.firstName} ${p.lastName})` });
}
