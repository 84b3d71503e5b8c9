import { describe, expect, it } from 'vitest';
import { checkUrl, normalizePortal } from '../../src/portals/normalize.js';

const reason = (url: string): string | null => {
  const r = checkUrl(url, 'url');
  return 'failure' in r ? r.failure.reason : null;
};
const columns = { key: 'id', name: 'name', url: 'url', redirectUris: 'extra' };

describe('portals/normalize', () => {
  it.each([
    ['https://panel.example.com/', null],
    ['http://localhost:3000/cb', null],
    ['http://127.0.0.1/cb', null],
    ['https://xn--bcher-kva.example/', null],
    ['https://bücher.example/', null],
    ['http://panel.example.com/', 'url.not_https'],
    ['javascript:alert(1)', 'url.not_https'],
    ['https://*.example.com/', 'url.wildcard'],
    ['https://panel.example.com/cb#x', 'url.fragment'],
    ['https://u:p@panel.example.com/', 'url.credentials'],
    ['panel.example.com/cb', 'url.invalid'],
    ['https://panel example.com/', 'url.invalid'],
    ['https://intranet/', 'url.invalid'],
  ])('%s → %s', (url, expected) => {
    expect(reason(url)).toBe(expected);
  });

  it('splits extra redirect URIs on spaces, commas and newlines, dropping repeats', () => {
    const r = normalizePortal({ line: 2, values: { id: '1', name: 'P', url: 'https://p.example.com/app/', extra: 'https://p.example.com/a,https://p.example.com/b\nhttps://p.example.com/a' } }, columns);
    expect(r).toMatchObject({ key: '1', baseUrl: 'https://p.example.com/app', redirectUris: ['https://p.example.com/a', 'https://p.example.com/b'], classification: { state: 'pending' } });
  });

  it('one bad redirect URI makes the portal invalid with its reason', () => {
    const r = normalizePortal({ line: 2, values: { id: '1', name: 'P', url: 'https://p.example.com', extra: 'https://p.example.com/a https://*.p.example.com/b' } }, columns);
    expect(r.classification).toMatchObject({ state: 'invalid', reason: 'url.wildcard' });
  });

  it('a row problem wins over the URL checks', () => {
    const r = normalizePortal({ line: 3, values: { id: '1', name: null, url: null }, problem: { code: 'row.ragged', message: 'm' } }, columns);
    expect(r.classification).toEqual({ state: 'invalid', reason: 'row.ragged', message: 'm' });
  });
});
