import type { ParsedConfig, UserSourceConfig } from './schema.js';
import type { UserKind } from '../core/types.js';
import { localeTable } from '../records/locale.js';
import type { UserRules } from '../records/types.js';

/**
 * The config of one user source as the rules records/ applies. Federation domains are lower-cased
 * and stripped of a leading `@` or `*.` (people write them either way; subdomains match anyway).
 */
export function buildUserRules(
  kind: UserKind,
  source: UserSourceConfig,
  config: Pick<ParsedConfig, 'federation' | 'missingName'> & { locales?: Record<string, string> },
): UserRules {
  const rules: UserRules = {
    kind,
    columns: { ...source.columns },
    federatedDomains: config.federation.domains.map((d) => d.trim().toLowerCase().replace(/^@|^\*\./, '')).filter((d) => d !== ''),
    missingName: config.missingName === 'invalid' ? { policy: 'invalid' } : { policy: 'placeholder', value: config.missingName.placeholder },
    locales: localeTable(config.locales),
  };
  if (source.include) rules.include = source.include;
  if (source.exclude) rules.exclude = source.exclude;
  if (source.federatedWhen) rules.federatedWhen = source.federatedWhen;
  if (source.passwordHash) rules.passwordHash = { ...source.passwordHash };
  return rules;
}
