/**
 * The org's user schema (GET /api/v1/meta/schemas/user/default; Schemas API:
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Schema/#tag/Schema/operation/getUserSchema),
 * reduced to what decides whether Okta accepts our profiles: required attributes, the login pattern,
 * lengths and enums. An org may require extra attributes, give `login` a pattern that is not an
 * email, or change lengths; checking every record against it in `plan` turns what would be a
 * million E0000001 answers into one clear message.
 */
export interface AttributeRule {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: string[];
}

export interface OrgUserSchema {
  /** Attributes the org requires on every profile (base and custom). */
  required: string[];
  attributes: Record<string, AttributeRule>;
}

/** The profile attributes efs-okta writes. */
export const SENT_ATTRIBUTES = ['login', 'email', 'firstName', 'lastName', 'locale', 'preferredLanguage'] as const;

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (typeof v === 'object' && v !== null ? (v as Loose) : {});

export function parseUserSchema(raw: unknown): OrgUserSchema {
  const defs = obj(obj(raw).definitions);
  const required: string[] = [];
  const attributes: Record<string, AttributeRule> = {};
  for (const part of ['base', 'custom']) {
    const d = obj(defs[part]);
    if (Array.isArray(d.required)) for (const r of d.required) if (typeof r === 'string' && !required.includes(r)) required.push(r);
    for (const [name, a] of Object.entries(obj(d.properties))) {
      const p = obj(a);
      const rule: AttributeRule = {};
      if (typeof p.minLength === 'number') rule.minLength = p.minLength;
      if (typeof p.maxLength === 'number') rule.maxLength = p.maxLength;
      if (typeof p.pattern === 'string' && p.pattern !== '') rule.pattern = p.pattern;
      if (Array.isArray(p.enum)) rule.enum = p.enum.filter((x): x is string => typeof x === 'string');
      if (p.required === true && !required.includes(name)) required.push(name);
      attributes[name] = rule;
    }
  }
  return { required, attributes };
}

/** Required attributes efs-okta never sends: every create would be refused. Org-level, not per record. */
export function unsentRequired(schema: OrgUserSchema): string[] {
  return schema.required.filter((r) => !(SENT_ATTRIBUTES as readonly string[]).includes(r));
}

/**
 * Okta's login pattern is a Java regular expression matched against the whole login; most
 * patterns are also valid JavaScript. One that is not is reported instead of guessed.
 */
function wholeMatch(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
}

/** What this org would refuse in one profile: `field: why` (empty when it fits). */
export function schemaProblems(schema: OrgUserSchema, profile: Partial<Record<(typeof SENT_ATTRIBUTES)[number], string | null>>): { field: string; why: string }[] {
  const out: { field: string; why: string }[] = [];
  for (const field of SENT_ATTRIBUTES) {
    const value = profile[field] ?? null;
    if (value === null || value === '') {
      if (schema.required.includes(field)) out.push({ field, why: 'is required by this org\'s user schema' });
      continue;
    }
    const rule = schema.attributes[field];
    if (!rule) continue;
    if (rule.minLength !== undefined && value.length < rule.minLength) out.push({ field, why: `is shorter than this org's minimum of ${rule.minLength}` });
    if (rule.maxLength !== undefined && value.length > rule.maxLength) out.push({ field, why: `is longer than this org's maximum of ${rule.maxLength}` });
    if (rule.enum && rule.enum.length > 0 && !rule.enum.includes(value)) out.push({ field, why: `is not one of this org's values (${rule.enum.slice(0, 5).join(', ')}${rule.enum.length > 5 ? ', …' : ''})` });
    if (rule.pattern) {
      const re = wholeMatch(rule.pattern);
      if (re && !re.test(value)) out.push({ field, why: `does not match this org's pattern ${rule.pattern}` });
    }
  }
  return out;
}
