/**
 * Groups and memberships. Okta's built-in "Everyone" group (type BUILT_IN) holds every user
 * implicitly; it is never stored as a membership list. Members of other groups are paginated by
 * the order in which they joined (a cursor is a join sequence, found by binary search), so paging
 * through a group of a million panelists stays linear overall.
 */
export interface GroupRec {
  id: string;
  seq: number;
  type: 'OKTA_GROUP' | 'BUILT_IN';
  name: string;
  description: string | null;
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
  members: MemberList;
}

export class MemberList {
  /** userId -> join sequence of the live membership. */
  private joined = new Map<string, number>();
  private order: { seq: number; userId: string }[] = [];
  private nextSeq = 1;

  get size(): number {
    return this.joined.size;
  }

  has(userId: string): boolean {
    return this.joined.has(userId);
  }

  add(userId: string): boolean {
    if (this.joined.has(userId)) return false;
    const seq = this.nextSeq++;
    this.joined.set(userId, seq);
    this.order.push({ seq, userId });
    return true;
  }

  remove(userId: string): boolean {
    if (!this.joined.delete(userId)) return false;
    if (this.order.length > 1024 && this.order.length > this.joined.size * 2) {
      this.order = this.order.filter((e) => this.joined.get(e.userId) === e.seq);
    }
    return true;
  }

  /** Live memberships with a join sequence greater than `afterSeq`, in join order. */
  *iterateFrom(afterSeq: number): Generator<{ seq: number; userId: string }> {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.order[mid] as { seq: number }).seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.order.length; i++) {
      const e = this.order[i] as { seq: number; userId: string };
      if (this.joined.get(e.userId) === e.seq) yield e;
    }
  }

  ids(): string[] {
    return [...this.joined.keys()];
  }
}

export class GroupStore {
  private byId = new Map<string, GroupRec>();
  private nextSeq = 1;

  get size(): number {
    return this.byId.size;
  }

  get(id: string): GroupRec | undefined {
    return this.byId.get(id);
  }

  /** Okta group names are unique among OKTA_GROUPs, compared without regard to case. */
  getByName(name: string): GroupRec | undefined {
    const lower = name.toLowerCase();
    for (const g of this.byId.values()) if (g.name.toLowerCase() === lower) return g;
    return undefined;
  }

  insert(g: Omit<GroupRec, 'seq' | 'members'>, memberIds: string[] = []): GroupRec {
    const rec: GroupRec = { ...g, seq: this.nextSeq++, members: new MemberList() };
    for (const id of memberIds) rec.members.add(id);
    this.byId.set(rec.id, rec);
    return rec;
  }

  remove(id: string): boolean {
    return this.byId.delete(id);
  }

  all(): IterableIterator<GroupRec> {
    return this.byId.values();
  }

  everyone(): GroupRec | undefined {
    for (const g of this.byId.values()) if (g.type === 'BUILT_IN') return g;
    return undefined;
  }

  /** Drops a deleted user from every group. */
  removeUserEverywhere(userId: string, now: number): void {
    for (const g of this.byId.values()) {
      if (g.members.remove(userId)) g.lastMembershipUpdated = now;
    }
  }

  clear(): void {
    this.byId.clear();
    this.nextSeq = 1;
  }
}
