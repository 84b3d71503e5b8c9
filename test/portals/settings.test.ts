import { describe, expect, it } from 'vitest';
import { joinUrl, MAX_LABEL_LENGTH, portalAppInput, portalLabel, settingsDiff, settingsHash } from '../../src/portals/settings.js';
import { markDuplicateKeys } from '../../src/portals/records.js';
import type { OidcApp } from '../../src/okta/types.js';
import type { PortalRecord } from '../../src/records/types.js';

const settings = { callbackPath: '/oidc/callback', postLogoutPath: '/', tokenEndpointAuthMethod: 'client_secret_basic' as const };

function record(key: string, baseUrl: string, extra: Partial<PortalRecord> = {}): PortalRecord {
  return { key, line: 2, name: 'Consumer Panel', baseUrl, redirectUris: [], classification: { state: 'pending' }, ...extra };
}

describe('portal settings', () => {
  it('labels the app "EFS <installation> · <name> (<key>)"', () => {
    expect(portalLabel('acme', 'Consumer Panel', '1')).toBe('EFS acme · Consumer Panel (1)');
  });

  it('shortens an over-long name so the label fits Okta\'s 100 characters and keeps the key', () => {
    const label = portalLabel('acme', 'N'.repeat(200), 'key-7');
    expect(label.length).toBe(MAX_LABEL_LENGTH);
    expect(label.endsWith('… (key-7)')).toBe(true);
    expect(portalLabel('acme', 'N'.repeat(200), 'key-7')).toBe(label);
  });

  it('joins paths to base URLs with and without a path, never doubling a slash', () => {
    expect(joinUrl('https://panel.example.com', '/oidc/callback')).toBe('https://panel.example.com/oidc/callback');
    expect(joinUrl('https://panel.example.com/', 'oidc/callback')).toBe('https://panel.example.com/oidc/callback');
    expect(joinUrl('https://survey.example.com/employee', '/oidc/callback')).toBe('https://survey.example.com/employee/oidc/callback');
    expect(joinUrl('https://survey.example.com/employee', '/')).toBe('https://survey.example.com/employee/');
  });

  it('derives redirect, post-logout and initiate-login URIs, adding the extra redirect URIs once', () => {
    const input = portalAppInput(
      record('2', 'https://survey.example.com/employee', { redirectUris: ['https://alt.example.com/cb', 'https://survey.example.com/employee/oidc/callback'] }),
      { ...settings, initiateLoginPath: '/login' },
      'acme',
    );
    expect(input).toEqual({
      label: 'EFS acme · Consumer Panel (2)',
      redirectUris: ['https://survey.example.com/employee/oidc/callback', 'https://alt.example.com/cb'],
      postLogoutRedirectUris: ['https://survey.example.com/employee/'],
      initiateLoginUri: 'https://survey.example.com/employee/login',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  it('hashes settings independent of URI order, and differently when the auth method changes', () => {
    const a = portalAppInput(record('1', 'https://a.example.com', { redirectUris: ['https://b.example.com/x'] }), settings, 'acme');
    const reordered = { ...a, redirectUris: [...a.redirectUris].reverse() };
    expect(settingsHash(reordered)).toBe(settingsHash(a));
    expect(settingsHash({ ...a, tokenEndpointAuthMethod: 'client_secret_post' })).not.toBe(settingsHash(a));
  });

  it('names the settings an app differs in from the wanted ones', () => {
    const wanted = portalAppInput(record('1', 'https://a.example.com'), settings, 'acme');
    const app: OidcApp = {
      id: '0oa1', label: wanted.label, status: 'ACTIVE', clientId: '0oa1', clientSecret: null,
      redirectUris: [...wanted.redirectUris], postLogoutRedirectUris: [...wanted.postLogoutRedirectUris], initiateLoginUri: null,
    };
    expect(settingsDiff(app, wanted)).toEqual([]);
    expect(settingsDiff({ ...app, redirectUris: ['https://old.example.com/oidc/callback'], label: 'x' }, wanted)).toEqual(['label', 'redirect_uris']);
  });
});

describe('portal records', () => {
  it('marks a key found on two rows invalid once (key.duplicate), naming both lines', () => {
    const out = markDuplicateKeys([record('1', 'https://a.example.com', { line: 2 }), record('2', 'https://b.example.com', { line: 3 }), record('1', 'https://c.example.com', { line: 4 })]);
    expect(out.map((r) => r.key)).toEqual(['1', '2']);
    expect(out[0]?.classification).toEqual({ state: 'invalid', reason: 'key.duplicate', message: 'portal key "1" appears on lines 2, 4: keep one row per portal' });
    expect(out[1]?.classification.state).toBe('pending');
  });
});
