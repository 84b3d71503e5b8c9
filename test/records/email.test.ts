import { describe, expect, it } from 'vitest';
import { emailProblem, loginProblem, normalizeAddress } from '../../src/records/email.js';

const reason = (email: string): string | null => emailProblem(email)?.reason ?? null;

describe('records/email', () => {
  it('lower-cases the domain and keeps the local part', () => {
    expect(normalizeAddress('Anna.Meyer@Example.COM')).toBe('Anna.Meyer@example.com');
    expect(normalizeAddress('no-at-sign')).toBe('no-at-sign');
  });

  it('accepts what Okta accepts as a primary email', () => {
    for (const ok of ['a.b@example.com', "o'brien@example.ie", 'x+tag@mail.example.org', 'a~b`c@example.de', 'u@sub.domain-x.example.museum']) {
      expect(reason(ok), ok).toBeNull();
    }
  });

  it.each([
    ['abc', 'email.too_short'],
    [`${'a'.repeat(90)}@example.com`, 'email.too_long'],
    ['"a b"@example.com', 'email.invalid'],
    ['a@b@example.com', 'email.invalid'],
    ['a b@example.com', 'email.invalid'],
    ['a(b)@example.com', 'email.invalid'],
    ['anna@exa mple.com', 'email.invalid'],
    ['anna@-example.com', 'email.invalid'],
    [`${'a'.repeat(65)}@example.com`, 'email.invalid'],
    ['josé@example.com', 'email.non_ascii'],
    ['anna@bücher.example', 'email.non_ascii'],
    ['a..b@example.com', 'email.dots'],
    ['.ab@example.com', 'email.dots'],
    ['ab.@example.com', 'email.dots'],
    ['ab@example.com.', 'email.dots'],
    ['ab@.example.com', 'email.dots'],
    ['ab@example.c', 'email.tld'],
    ['ab@example.123', 'email.tld'],
    ['ab@localhost', 'email.tld'],
    ['ab\u0000@example.com', 'email.control_characters'],
  ])('%s → %s', (email, expected) => {
    expect(reason(email)).toBe(expected);
  });

  it('explains an IDN domain with its ASCII form and tells who must fix it', () => {
    expect(emailProblem('anna@müller.de')?.message).toMatch(/xn--mller-kva\.de.*customer must fix the address/);
  });

  it('logins may hold Unicode but must look like an email address, 5–100 characters', () => {
    expect(loginProblem('jösé@example.com')).toBeNull();
    expect(loginProblem('josé.müller@bücher.example')).toBeNull();
    expect(loginProblem('a@b')?.reason).toBe('login.too_short');
    expect(loginProblem('panelist-4711')?.reason).toBe('login.invalid');
    expect(loginProblem(`${'l'.repeat(95)}@example.com`)?.reason).toBe('login.too_long');
    expect(loginProblem('ab\tc@example.com')?.reason).toBe('login.control_characters');
  });
});
