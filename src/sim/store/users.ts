import { foldLogin } from './login-fold.js';

export type UserStatus =
  | 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'LOCKED_OUT' | 'SUSPENDED' | 'DEPROVISIONED';

/** What kind of credential the user holds; the password itself is never kept. */
export type CredentialKind = 'none' | 'password' | 'hash' | 'hook' | 'provider';

/**
 * One user, kept compact so that 1,000,000 fit in well under 2 GiB: a fixed-shape class of
 * primitives (timestamps as epoch ms numbers), the four default profile fields inline, and other
 * profile attributes in `extra` only when there are any.
 */
export class UserRec {
  constructor(
    public id: string,
    /** Insertion order; pagination cursors point at it, so it never changes. */
    public seq: number,
    public status: UserStatus,
    public login: string,
    public email: string,
    public firstName: string | null,
    public lastName: string | null,
    public extra: Record<string, unknown> | null,
    public credential: CredentialKind,
    public providerType: string,
    public created: number,
    public lastUpdated: number,
    public activated: number | null,
    public statusChanged: number | null,
    public passwordChanged: number | null,
    /** The imported credentials.password.hash, kept so /__sim/verify-password can check a password against it. */
    public importedHash: Record<string, unknown> | null = null,
  ) {}

  /** Set when deleted; the slot stays in the ordered array until the next compaction. */
  dead = false;
  /** An asynchronous activation under way: the status it moves to, and after how many more requests. */
  transitionTo: UserStatus | null = null;
  transitionLeft = 0;
}

/** The key under which Okta considers two logins the same (see login-fold.ts). */
function keyOf(login: string): string {
  return foldLogin(login);
}

export interface UserStoreSnapshot {
  nextSeq: number;
  users: UserRec[];
}

/**
 * Users by id, by folded login (case- and diacritic-insensitive, the way Okta decides uniqueness)
 * and in insertion order. The ordered array keeps deleted users (marked `dead`) until they are many,
 * then compacts; it stays sorted by `seq`, so a cursor is found by binary search, and listing a
 * page costs O(log n + page) rather than a scan from the start.
 */
export class UserStore {
  private byId = new Map<string, UserRec>();
  private byKey = new Map<string, UserRec>();
  private order: UserRec[] = [];
  private tombstones = 0;
  private nextSeq = 1;

  get size(): number {
    return this.byId.size;
  }

  get(id: string): UserRec | undefined {
    return this.byId.get(id);
  }

  /** The user whose login folds to the same key as `login` (Okta's uniqueness), if any. */
  getByLogin(login: string): UserRec | undefined {
    return this.byKey.get(keyOf(login));
  }

  /** Inserts a user; the caller has checked that the id and login are free. */
  insert(fields: UserInit): UserRec {
    const u = new UserRec(
      fields.id, this.nextSeq++, fields.status, fields.login, fields.email, fields.firstName, fields.lastName,
      fields.extra, fields.credential, fields.providerType, fields.created, fields.created,
      fields.status === 'ACTIVE' ? fields.created : null, fields.status === 'STAGED' ? null : fields.created,
      fields.credential === 'password' || fields.credential === 'hash' ? fields.created : null,
      fields.importedHash ?? null,
    );
    this.add(u);
    return u;
  }

  private add(u: UserRec): void {
    this.byId.set(u.id, u);
    this.byKey.set(keyOf(u.login), u);
    this.order.push(u);
  }

  /** Changes a user's login; the caller has checked the new login is free. */
  changeLogin(u: UserRec, login: string): void {
    this.byKey.delete(keyOf(u.login));
    u.login = login;
    this.byKey.set(keyOf(login), u);
  }

  remove(u: UserRec): void {
    if (this.byId.get(u.id) !== u) return;
    this.byId.delete(u.id);
    this.byKey.delete(keyOf(u.login));
    u.dead = true;
    this.tombstones++;
    if (this.tombstones > 1024 && this.tombstones * 2 > this.order.length) {
      this.order = this.order.filter((x) => !x.dead);
      this.tombstones = 0;
    }
  }

  /** Index in `order` of the first slot whose seq is greater than `seq`. */
  private indexAfter(seq: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.order[mid] as UserRec).seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Users in insertion order, starting after the user with `afterSeq` (0 = from the start). */
  *iterateFrom(afterSeq: number): Generator<UserRec> {
    for (let i = this.indexAfter(afterSeq); i < this.order.length; i++) {
      const u = this.order[i] as UserRec;
      if (!u.dead) yield u;
    }
  }

  countByStatus(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const u of this.byId.values()) out[u.status] = (out[u.status] ?? 0) + 1;
    return out;
  }

  clear(): void {
    this.byId.clear();
    this.byKey.clear();
    this.order = [];
    this.tombstones = 0;
    this.nextSeq = 1;
  }

  snapshot(): UserStoreSnapshot {
    return { nextSeq: this.nextSeq, users: [...this.iterateFrom(0)] };
  }

  restore(s: UserStoreSnapshot): void {
    this.clear();
    for (const u of [...s.users].sort((a, b) => a.seq - b.seq)) this.add(u);
    this.nextSeq = Math.max(s.nextSeq, (s.users.at(-1)?.seq ?? 0) + 1);
  }
}

export interface UserInit {
  id: string;
  status: UserStatus;
  login: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  extra: Record<string, unknown> | null;
  credential: CredentialKind;
  providerType: string;
  created: number;
  importedHash?: Record<string, unknown> | null;
}
