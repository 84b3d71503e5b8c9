import { fail, type Failure } from './reasons.js';
import { show } from './text.js';

/**
 * EFS stores a language (`de`, `EN`, sometimes `de-CH`); Okta's profile has two attributes for it
 * (Okta Management OpenAPI, UserProfile / BaseContextUserProfile;
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/):
 * - `locale`: ISO 639-1 two-letter language + `_` + ISO 3166-1 two-letter country (`en_US`). Any other
 *   value fails profile validation (E0000001) and the whole create or update is refused. It picks
 *   the language of Okta's emails.
 * - `preferredLanguage`: an RFC 7231 language tag (`de`, `de-CH`), which is what EFS stores.
 * A bare language has no country, so it is mapped through a table (config `locales`) instead of
 * guessed: a language missing from the table is reported (`locale.unmapped`), never invented.
 */
export const DEFAULT_LOCALES: Readonly<Record<string, string>> = {
  de: 'de_DE', en: 'en_US', fr: 'fr_FR', it: 'it_IT', es: 'es_ES', nl: 'nl_NL', pt: 'pt_PT', pl: 'pl_PL',
  cs: 'cs_CZ', sk: 'sk_SK', da: 'da_DK', sv: 'sv_SE', fi: 'fi_FI', nb: 'nb_NO', hu: 'hu_HU', ro: 'ro_RO',
  el: 'el_GR', tr: 'tr_TR', ru: 'ru_RU', uk: 'uk_UA', ja: 'ja_JP', zh: 'zh_CN', ko: 'ko_KR',
};

/** Okta's locale form: ISO 639-1 (two lower-case letters) `_` ISO 3166-1 alpha-2 (two upper-case letters). */
export const OKTA_LOCALE = /^[a-z]{2}_[A-Z]{2}$/;
/** A language tag as EFS writes it: a 2–3 letter language, optionally `-` or `_` and a 2-letter region. */
const SOURCE_TAG = /^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?$/;

export interface Language {
  /** Okta's `locale` (ll_CC), or null when the source has no language. */
  locale: string | null;
  /** Okta's `preferredLanguage`: the language as given, as an RFC 7231 tag (`de`, `de-CH`). */
  preferredLanguage: string | null;
}

/** The table in effect: Okta-form values, keys lower-cased; the config's entries override the defaults. */
export function localeTable(configured: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...DEFAULT_LOCALES, ...configured })) out[k.toLowerCase()] = v;
  return out;
}

/**
 * The source's language as Okta's two fields. `de-CH`/`de_ch` → locale `de_CH`, preferredLanguage
 * `de-CH`; `DE` → `de` looked up in `table`. `column` names the source column in messages.
 */
export function readLanguage(raw: string | null, table: Readonly<Record<string, string>>, column: string): Language | { failure: Failure } {
  if (raw === null) return { locale: null, preferredLanguage: null };
  const m = SOURCE_TAG.exec(raw);
  if (!m) {
    return { failure: fail('locale.invalid', `locale ${show(raw)} in "${column}" is not a language code (de, de-CH, en_US): fix it or unmap the locale column`) };
  }
  const lang = (m[1] as string).toLowerCase();
  const region = m[2]?.toUpperCase();
  const preferredLanguage = region ? `${lang}-${region}` : lang;
  const direct = region ? `${lang}_${region}` : null;
  const locale = direct !== null && OKTA_LOCALE.test(direct) ? direct : (table[preferredLanguage.toLowerCase()] ?? table[lang] ?? null);
  if (locale === null) {
    return {
      failure: fail('locale.unmapped', `language ${show(raw)} in "${column}" has no Okta locale (language_COUNTRY) in the locales table: add it to the config, e.g. locales: { ${lang}: ${lang.slice(0, 2)}_XX } with the right country`),
    };
  }
  return { locale, preferredLanguage };
}
