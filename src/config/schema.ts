import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

/**
 * The config file, one per installation (`efs-okta.yaml`). Credentials are never read from it:
 * the API token comes from OKTA_API_TOKEN or --token-file, a database password from an env var or file.
 */
const valueList = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]).transform((v) =>
  (Array.isArray(v) ? v : [v]).map(String),
);
const matchMap = z.record(z.string(), valueList);

const fileOptions = {
  file: z.string().min(1).optional(),
  type: z.enum(['csv', 'jsonl', 'database']).optional(),
  delimiter: z.string().min(1).max(1).or(z.literal('auto')).optional(),
  encoding: z.enum(['utf-8', 'utf8', 'windows-1252', 'cp1252', 'iso-8859-1', 'latin1', 'auto']).optional(),
  query: z.string().min(1).optional(),
};

export const hashMappingSchema = z.strictObject({
  algorithm: z.enum(['BCRYPT', 'MD5', 'SHA-1', 'SHA-256', 'SHA-512', 'PBKDF2']),
  valueColumn: z.string().min(1),
  saltColumn: z.string().min(1).optional(),
  saltOrder: z.enum(['PREFIX', 'POSTFIX']).optional(),
  saltEncoding: z.enum(['text', 'base64', 'hex']).optional(),
  workFactor: z.number().int().min(1).max(20).optional(),
  iterationCount: z.number().int().min(4096).optional(),
  keySize: z.number().int().positive().optional(),
  digestAlgorithm: z.enum(['SHA256_HMAC', 'SHA512_HMAC']).optional(),
}).refine((h) => h.algorithm === 'BCRYPT' || h.saltColumn === undefined || h.saltEncoding !== undefined, {
  // Okta wants base64 salt bytes; a text salt sent as it stands verifies no password, silently.
  message: 'saltColumn needs saltEncoding: text (the salt as the application stored it, e.g. PHP), base64 or hex',
  path: ['saltEncoding'],
});

export const userSourceSchema = z.strictObject({
  ...fileOptions,
  columns: z.strictObject({
    key: z.string().min(1),
    email: z.string().min(1).optional(),
    login: z.string().min(1).optional(),
    firstName: z.string().min(1).optional(),
    lastName: z.string().min(1).optional(),
    locale: z.string().min(1).optional(),
    status: z.string().min(1).optional(),
    lastLogin: z.string().min(1).optional(),
  }),
  include: matchMap.optional(),
  exclude: matchMap.optional(),
  federatedWhen: matchMap.optional(),
  passwordHash: hashMappingSchema.optional(),
});

export const portalSourceSchema = z.strictObject({
  ...fileOptions,
  columns: z.strictObject({
    key: z.string().min(1),
    name: z.string().min(1),
    url: z.string().min(1),
    redirectUris: z.string().min(1).optional(),
  }),
});

export const databaseSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(3306),
  socket: z.string().min(1).optional(),
  database: z.string().min(1),
  user: z.string().min(1),
  /** Name of the env var holding the password (default EFS_DB_PASSWORD). */
  passwordEnv: z.string().min(1).default('EFS_DB_PASSWORD'),
  passwordFile: z.string().min(1).optional(),
  tls: z
    .strictObject({
      ca: z.string().optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
  /** Optional portal credentials write-back: an UPDATE with :portalKey, :clientId, :clientSecret. */
  portalWriteBack: z.string().min(1).optional(),
});

/** Okta's default per-token (or OAuth app) share of each bucket: https://developer.okta.com/docs/reference/rl2-token-oauth/ */
export const OKTA_DEFAULT_TOKEN_SHARE = 0.5;
const TOKEN_SHARE_RANGE = `must be the token's fraction of the bucket above 0 and at most 1: ${OKTA_DEFAULT_TOKEN_SHARE} is Okta's default`;

const duration = (what: string): z.ZodType<string> =>
  z.string().refine((v) => parseDuration(v) !== null, `must be a duration such as 7d, 36h, 90m or 0s (${what})`);

/**
 * Phase 2: Okta's activation links stop working after the org's link lifetime (7 days by default;
 * the admin sets 8 h–180 d: https://help.okta.com/en-us/content/topics/security/security_general.htm),
 * which the API does not expose: it is configured here.
 */
export const activationSchema = z
  .strictObject({
    linkLifetime: duration("the org's activation link lifetime").default('7d'),
    reminderCap: z.number().int().min(0).max(20).default(2),
    /** More emails than this in one run need --yes (no terminal) or a typed confirmation. */
    confirmAbove: z.number().int().min(0).default(50),
    /** How long Okta's System Log may lag behind a call (a killed reminder run is resolved from it). */
    systemLogDelay: duration('how far the System Log may lag').default('2m'),
  })
  .default({ linkLifetime: '7d', reminderCap: 2, confirmAbove: 50, systemLogDelay: '2m' });

const PRIORITY_RANGE = 'must be a weight above 0 and at most 100: runs share the org in proportion to it (default 1)';
const MAX_DEACTIVATE_RANGE = 'must be a fraction of the installation\'s users from 0 to 1, e.g. 0.05 (5 %)';

export const configSchema = z.strictObject({
  installation: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" or "-", at most 63 characters'),
  okta: z
    .strictObject({
      orgUrl: z.string().optional(),
      share: z.number().gt(0, 'must be a fraction of the bucket above 0 and at most 1, e.g. 0.5').max(1, 'must be a fraction of the bucket above 0 and at most 1, e.g. 0.5').default(0.8),
      // What the org admin lets this token (or OAuth app) use of each bucket: Okta's default is 50 %.
      tokenShare: z.number().gt(0, TOKEN_SHARE_RANGE).max(1, TOKEN_SHARE_RANGE).default(OKTA_DEFAULT_TOKEN_SHARE),
      concurrency: z.number().int().min(1).max(75).default(8),
      maxAttempts: z.number().int().min(1).max(20).default(6),
      // Runs that draw on one org share its rate limits through a store (docs/many-installations.md).
      budget: z
        .strictObject({
          store: z.enum(['local', 'redis', 'none']).default('local'),
          url: z.string().min(1).optional(),
          priority: z.number().gt(0, PRIORITY_RANGE).max(100, PRIORITY_RANGE).default(1),
          dir: z.string().min(1).optional(),
        })
        .default({ store: 'local', priority: 1 }),
      oauth: z
        .strictObject({
          clientId: z.string().min(1),
          privateKeyFile: z.string().min(1),
          keyId: z.string().min(1).optional(),
          scopes: z.array(z.string()).default(['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage']),
          // DPoP (RFC 9449): auto = when Okta's token endpoint asks for it (new API service apps do).
          dpop: z.enum(['auto', 'always', 'never']).default('auto'),
        })
        .optional(),
    })
    .default({ share: 0.8, tokenShare: OKTA_DEFAULT_TOKEN_SHARE, concurrency: 8, maxAttempts: 6, budget: { store: 'local', priority: 1 } }),
  sources: z.strictObject({
    admins: userSourceSchema.optional(),
    panelists: userSourceSchema.optional(),
    portals: portalSourceSchema.optional(),
  }).default({}),
  database: databaseSchema.optional(),
  federation: z.strictObject({ domains: z.array(z.string().min(1)).default([]) }).default({ domains: [] }),
  // Bare language → Okta locale (language_COUNTRY); merged over records/locale.ts DEFAULT_LOCALES.
  locales: z.record(
    z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z]{2})?$/, 'a language code as the source writes it: de, en, de-CH'),
    z.string().regex(/^[a-z]{2}_[A-Z]{2}$/, "Okta's locale form: ISO 639-1 language, underscore, ISO 3166-1 country (de_DE, en_US)"),
  ).default({}),
  missingName: z.union([z.literal('invalid'), z.strictObject({ placeholder: z.string().min(1).max(50) })]).default('invalid'),
  onExisting: z.enum(['report', 'link']).default('report'),
  safety: z
    .strictObject({
      // The largest share of the installation's Okta users one run may deactivate without --yes.
      maxDeactivateShare: z.number().min(0, MAX_DEACTIVATE_RANGE).max(1, MAX_DEACTIVATE_RANGE).default(0.05),
    })
    .default({ maxDeactivateShare: 0.05 }),
  groups: z
    .strictObject({
      admin: z.string().min(1).optional(),
      panelist: z.string().min(1).optional(),
    })
    .default({}),
  portals: z
    .strictObject({
      callbackPath: z.string().default('/oidc/callback'),
      postLogoutPath: z.string().default('/'),
      initiateLoginPath: z.string().optional(),
      tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']).default('client_secret_basic'),
      assignGroups: z.array(z.enum(['admin', 'panelist'])).default(['admin', 'panelist']),
      credentialsFile: z.string().default('portal-credentials.json'),
    })
    .default({ callbackPath: '/oidc/callback', postLogoutPath: '/', tokenEndpointAuthMethod: 'client_secret_basic', assignGroups: ['admin', 'panelist'], credentialsFile: 'portal-credentials.json' }),
  activation: activationSchema,
  journal: z.string().optional(),
  reportDir: z.string().optional(),
});

export type ParsedConfig = z.output<typeof configSchema>;
export type UserSourceConfig = z.output<typeof userSourceSchema>;
export type PortalSourceConfig = z.output<typeof portalSourceSchema>;
export type DatabaseConfig = z.output<typeof databaseSchema>;
