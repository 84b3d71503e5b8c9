import type { SourceRow } from '../core/source-row.js';
import { emailDomain } from './email.js';
import { SKIP_EXCLUDED, SKIP_FEDERATED } from './reasons.js';
import { cleanText, show } from './text.js';
import type { UserRules } from './types.js';

/**
 * The skip rules, applied before validation: a federated user is never created, so a missing name
 * must not make it "invalid" (which would ask someone to fix a record that is never migrated), and a
 * record excluded by its status is reported under that status, not under its data problems.
 */
export interface Skip {
  reason: string;
  message: string;
}

/** Values compare trimmed and case-insensitively: `Active`, `active ` and `ACTIVE` are one status. */
function fold(value: string | null): string {
  return (value ?? '').toLowerCase();
}

function cell(row: SourceRow, column: string): string | null {
  return cleanText(row.values[column]);
}

/**
 * Federated when a `federatedWhen` column holds one of its values, or when the email's domain is one
 * of `federatedDomains` or a subdomain of one (`eu.acme-corp.example` belongs to `acme-corp.example`:
 * a company's IdP covers its subdomains).
 */
export function federatedSkip(row: SourceRow, rules: UserRules, email: string | null): Skip | null {
  for (const [column, values] of Object.entries(rules.federatedWhen ?? {})) {
    const value = cell(row, column);
    if (value !== null && values.some((v) => fold(v) === fold(value))) {
      return { reason: SKIP_FEDERATED, message: `${column} is ${show(value)}: signs in through the company's identity provider; not created in Okta` };
    }
  }
  const domain = email === null ? null : emailDomain(email);
  if (domain) {
    const match = rules.federatedDomains.find((d) => domain === d || domain.endsWith(`.${d}`));
    if (match) {
      return { reason: SKIP_FEDERATED, message: `email domain ${domain} is federated (federation.domains: ${match}): signs in through the company's identity provider; not created in Okta` };
    }
  }
  return null;
}

/**
 * `include`: every listed column must hold one of its values; `exclude`: no listed column may hold
 * one of its values. The skip reason is the offending value itself, lower-cased (`inactive`), or
 * `excluded` when the value is empty.
 */
export function statusSkip(row: SourceRow, rules: UserRules): Skip | null {
  for (const [column, allowed] of Object.entries(rules.include ?? {})) {
    const value = cell(row, column);
    if (!allowed.some((v) => fold(v) === fold(value))) {
      const what = value === null ? 'empty' : show(value);
      return { reason: skipReason(value), message: `${column} is ${what}, not one of ${allowed.join(', ')} (include): not migrated` };
    }
  }
  for (const [column, excluded] of Object.entries(rules.exclude ?? {})) {
    const value = cell(row, column);
    if (excluded.some((v) => fold(v) === fold(value))) {
      const what = value === null ? 'empty' : show(value);
      return { reason: skipReason(value), message: `${column} is ${what}, which the exclude rule lists: not migrated` };
    }
  }
  return null;
}

function skipReason(value: string | null): string {
  if (value === null) return SKIP_EXCLUDED;
  const reason = value.toLowerCase().replace(/\s+/g, ' ');
  return reason.length > 40 ? `${reason.slice(0, 40)}…` : reason;
}
