import { describe, expect, test } from 'vitest';
import { MemberList } from '../../src/sim/store/groups.js';
import { UserStore, type UserRec } from '../../src/sim/store/users.js';

function fill(store: UserStore, n: number): UserRec[] {
  return Array.from({ length: n }, (_, i) =>
    store.insert({
      id: `00u${String(i).padStart(17, '0')}`, status: 'STAGED', login: `u${i}@example.com`, email: `u${i}@example.com`,
      firstName: 'U', lastName: String(i), extra: null, credential: 'none', providerType: 'OKTA', created: 0,
    }),
  );
}

describe('sim user store', () => {
  test('cursors (seq) stay valid across deletes and the compaction they trigger', () => {
    const store = new UserStore();
    const users = fill(store, 3000);
    for (const u of users.slice(0, 2500)) if (Number(u.lastName) % 5 !== 0) store.remove(u);
    const after = users[1000] as UserRec;
    const rest = [...store.iterateFrom(after.seq)].map((u) => Number(u.lastName));
    const expected = [...Array(3000).keys()].filter((i) => i > 1000 && (i >= 2500 || i % 5 === 0));
    expect(rest).toEqual(expected);
    expect(store.size).toBe(500 + 500);
  });

  test('logins are found ignoring case and diacritics, ASCII or not', () => {
    const store = new UserStore();
    fill(store, 1);
    store.insert({
      id: '00uzoe', status: 'STAGED', login: 'Zoë.Ørsted@example.com', email: 'z@example.com',
      firstName: 'Z', lastName: 'O', extra: null, credential: 'none', providerType: 'OKTA', created: 0,
    });
    expect(store.getByLogin('U0@EXAMPLE.COM')?.id).toBe('00u00000000000000000');
    expect(store.getByLogin('zoe.orsted@example.com')?.id).toBe('00uzoe');
  });
});

describe('sim group members', () => {
  test('join order pagination skips removed members and survives re-joins', () => {
    const m = new MemberList();
    for (let i = 0; i < 5; i++) m.add(`u${i}`);
    m.remove('u1');
    m.add('u1');
    expect([...m.iterateFrom(0)].map((e) => e.userId)).toEqual(['u0', 'u2', 'u3', 'u4', 'u1']);
    expect([...m.iterateFrom(3)].map((e) => e.userId)).toEqual(['u3', 'u4', 'u1']);
  });
});
