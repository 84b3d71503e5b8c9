/** The commented config `efs-okta init` writes: every key, with the sample export's column names. */
export function configTemplate(installation: string): string {
  return `# efs-okta configuration for one EFS installation. Reference: README.md, "Config file".
installation: ${installation}             # names the journal, the Okta groups and the report

okta:
  orgUrl: https://${installation}.okta.com      # or OKTA_ORG_URL / --org-url; https required (http only on loopback)
  # Credentials are never written here: export OKTA_API_TOKEN, or pass --token-file FILE, or use
  # an OAuth service app (private_key_jwt; scopes okta.users.manage okta.groups.manage okta.apps.manage):
  # oauth: { clientId: 0oa..., privateKeyFile: ./efs-okta-key.pem, keyId: kid-1 }
  share: 0.8            # fraction of each rate-limit bucket this run may use
  tokenShare: 0.5       # what Okta lets this token use of a bucket: 50% unless the admin moved its rate-limit slider
  concurrency: 8        # at most this many requests at once (Okta: bulk loads rarely need more than 10)
  maxAttempts: 6        # tries per request on 5xx / network errors before the record is marked failed
  # Several installations migrating into this org at once share its rate limits (docs/many-installations.md):
  budget: { store: local, priority: 1 }   # local: runs on this machine; redis (+ url: redis://host:6379): every machine; none

sources:
  admins:
    file: admins.csv    # relative to this file
    delimiter: ";"      # or "auto"
    encoding: utf-8     # utf-8 (with or without BOM), windows-1252, iso-8859-1, auto
    columns: { key: admin_id, email: email, firstName: first_name, lastName: last_name, locale: language }
    # federatedWhen: { COLUMN: [VALUE] }  # rows signing in through the company IdP are never created
  panelists:
    file: panelists.csv
    delimiter: ";"
    columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name, locale: u_language, status: p_status, lastLogin: last_login }
    # include: { COLUMN: [VALUE, ...] }   # only rows holding one of these values; others are skipped.
    #   Status values differ per installation (EFS panel status is a configured code, often a number):
    #   write them as your export holds them. plan warns, naming the values it saw, when a filter
    #   matches no row or skips more than half of a source.
    # passwordHash: { algorithm: BCRYPT, valueColumn: pw_hash, saltColumn: pw_salt, workFactor: 10 }
    # passwordHash: { algorithm: SHA-256, valueColumn: pw_hash, saltColumn: pw_salt, saltOrder: POSTFIX, saltEncoding: text }
  portals:
    file: portals.csv
    delimiter: ";"
    columns: { key: portal_id, name: name, url: url }

federation:
  domains: []           # e.g. [acme-corp.example]: email domains that sign in through the company IdP

# Okta's locale is language_COUNTRY; a bare language (de, en, fr, ...) maps through this table (defaults
# in docs/okta.md); a language missing from it is reported as locale.unmapped, never guessed.
# locales: { de: de_DE, en: en_GB }
missingName: invalid    # or { placeholder: "-" } to create users whose first/last name is missing
onExisting: report      # a login already in Okta and not ours: report (conflict, untouched) or link (add to our group)
safety:
  maxDeactivateShare: 0.05  # a run deactivating more of the installation's users than this share stops and asks for --yes

# groups: { admin: "EFS ${installation} admins", panelist: "EFS ${installation} panelists" }
# portals: { callbackPath: /oidc/callback, postLogoutPath: /, tokenEndpointAuthMethod: client_secret_basic,
#            assignGroups: [admin, panelist], credentialsFile: portal-credentials.json }
# journal: ./${installation}.efs-okta.sqlite
# reportDir: ./${installation}-reports
`;
}
