/**
 * Okta treats logins that differ only in case or diacritics as the same login
 * (okta-facts.md, "Users"). `loginKey` folds a login to the form under which two logins collide,
 * so duplicates are found before Okta answers E0000001. The simulator uses the same function.
 */
const SPECIAL_FOLDS: Record<string, string> = {
  'ø': 'o', 'đ': 'd', 'ð': 'd', 'ł': 'l', 'ħ': 'h', 'ı': 'i', 'ŧ': 't',
  'æ': 'ae', 'œ': 'oe', 'ß': 'ss', 'þ': 'th', 'ŀ': 'l',
};

export function loginKey(login: string): string {
  const lowered = login.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  let out = '';
  for (const ch of lowered) out += SPECIAL_FOLDS[ch] ?? ch;
  return out;
}
