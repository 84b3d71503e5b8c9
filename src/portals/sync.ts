import type { Clock } from '../core/clock.js';
import { AuthError, describeError, InterruptedError, isEfsOktaError, OktaUnreachableError, UsageError } from '../core/errors.js';
import type { CoreEmitter } from '../core/events.js';
import type { PortalState, UserKind } from '../core/types.js';
import type { PortalChange, PortalJournal, PortalRow } from '../journal/portals.js';
import type { GroupRegistry, MetaStore } from '../journal/contracts.js';
import type { OidcApp, OidcAppInput, OktaGateway } from '../okta/types.js';
import { CredentialsFileError, type CredentialsSink, type PortalCredentialEntry } from './credentials-file.js';
import type { PortalRecord } from '../records/types.js';
import { ensureGroups } from '../groups/ensure.js';
import { createOutcomeUnknown, findAppByExactLabel, issueSecret, locateApp, recoverSecret, retireOtherSecrets, soleSecretId } from './app.js';
import { markDuplicateKeys, markUnlabelable } from './records.js';
import { portalAppInput, settingsDiff, settingsHash, type PortalSettings } from './settings.js';

/**
 * `portals sync`: every portal of the source becomes (or stays) one OIDC web app in Okta.
 *
 * Never two apps for one portal: `registering` is committed before the create, and a portal without
 * a known app id is first looked up by its exact label; a create that failed without a definite
 * answer from Okta is followed by that look-up at once, never by a second create.
 * The client secret is handed over through the credentials file before the journal moves on; the
 * journal records only *that* it was handed over (`secretIssuedAt`). An app found again whose secret
 * was never handed over gets a new one (and its old ones are retired).
 */
export type PortalWriteBack = (credentials: { portalKey: string; clientId: string; clientSecret: string }) => Promise<void>;

export interface PortalDeps {
  portals: PortalJournal;
  /** The main journal: the installation's groups live there (ensureGroups). */
  journal: GroupRegistry & MetaStore;
  okta: OktaGateway;
  emitter: CoreEmitter;
  clock: Clock;
  credentials: CredentialsSink;
  /** Optional `database.portalWriteBack`, run after the credentials file was written. */
  writeBack?: PortalWriteBack | null;
}

export interface PortalSyncOptions {
  installation: string;
  settings: PortalSettings;
  /** The user kinds whose Okta groups are assigned to every portal app. */
  assignGroups: UserKind[];
  groupNames: Partial<Record<UserKind, string>>;
  /** Issue a new client secret for this portal key (and retire its old ones). */
  rotateSecret?: string | null;
  signal?: AbortSignal;
}

export type PortalAction = 'created' | 'adopted' | 'updated' | 'unchanged' | 'invalid' | 'failed';

export interface PortalOutcome {
  key: string;
  action: PortalAction;
  appId: string | null;
  clientId: string | null;
  label: string | null;
  /** What this run wrote to Okta for the portal: settings fields, `group:<kind>`, `secret`. */
  changes: string[];
  /** Reason code (invalid) or error code (failed). */
  reason: string | null;
  message: string | null;
  writeBack: 'off' | 'written' | 'failed';
}

export interface PortalSyncSummary {
  outcomes: PortalOutcome[];
  counts: Record<PortalAction, number>;
  secretsIssued: number;
  writeBackFailed: number;
  removed: number;
  interrupted: boolean;
}

const LEAVE_ALONE: PortalState[] = ['removed', 'deleting', 'deleted'];

interface Ctx {
  deps: PortalDeps;
  options: PortalSyncOptions;
  groupIds: Map<UserKind, string>;
}

export async function syncPortals(deps: PortalDeps, input: PortalRecord[], options: PortalSyncOptions): Promise<PortalSyncSummary> {
  const { emitter, clock } = deps;
  const records = markUnlabelable(markDuplicateKeys(input), options.installation);
  if (options.rotateSecret && !records.some((r) => r.key === options.rotateSecret)) {
    throw new UsageError('PORTAL_UNKNOWN', `--rotate-secret ${options.rotateSecret}: no portal with this key in the source (keys are the sources.portals.columns.key values)`);
  }
  emitter.emit('run:started', { phase: 'portals', installation: options.installation, total: records.length, at: clock.now() });
  const anyValid = records.some((r) => r.classification.state === 'pending');
  const groupIds = anyValid
    ? await ensureGroups({ journal: deps.journal, okta: deps.okta, now: () => clock.now() }, options.installation, options.assignGroups, options.groupNames)
    : new Map<UserKind, string>();
  const ctx: Ctx = { deps, options, groupIds };
  const summary: PortalSyncSummary = {
    outcomes: [],
    counts: { created: 0, adopted: 0, updated: 0, unchanged: 0, invalid: 0, failed: 0 },
    secretsIssued: 0,
    writeBackFailed: 0,
    removed: markRemoved(ctx, new Set(records.map((r) => r.key))),
    interrupted: false,
  };
  for (const record of records) {
    if (options.signal?.aborted) {
      summary.interrupted = true;
      break;
    }
    const outcome = await syncOne(ctx, record);
    summary.outcomes.push(outcome);
    summary.counts[outcome.action]++;
    if (outcome.changes.includes('secret')) summary.secretsIssued++;
    if (outcome.writeBack === 'failed') summary.writeBackFailed++;
  }
  emitter.emit('run:finished', { phase: 'portals', installation: options.installation, at: clock.now(), counts: { ...summary.counts }, interrupted: summary.interrupted });
  return summary;
}

function setState(ctx: Ctx, key: string, change: PortalChange): void {
  const { portals, emitter, clock } = ctx.deps;
  const before = portals.get(key);
  portals.update(key, change, clock.now());
  if (before?.state !== change.state) {
    emitter.emit('record:state', { kind: 'portal', key, from: before?.state ?? null, to: change.state, reason: change.reason ?? null });
  }
}

/** Records a fact about the portal without changing its state. */
function note(ctx: Ctx, key: string, change: Omit<PortalChange, 'state'>): void {
  const current = ctx.deps.portals.get(key) as PortalRow;
  ctx.deps.portals.update(key, { ...change, state: current.state }, ctx.deps.clock.now());
}

/** Journal rows whose portal left the source: marked `removed`; their Okta app is left alone. */
function markRemoved(ctx: Ctx, keys: Set<string>): number {
  let removed = 0;
  for (const row of ctx.deps.portals.all()) {
    if (keys.has(row.key) || LEAVE_ALONE.includes(row.state)) continue;
    const app = row.appId ? `its Okta app ${row.appId} was left as it is` : 'it has no Okta app';
    setState(ctx, row.key, { state: 'removed', reason: 'source.missing', message: `no longer in the portal source; ${app}` });
    removed++;
  }
  return removed;
}

function outcomeOf(key: string, action: PortalAction, app: Pick<OidcApp, 'id' | 'clientId' | 'label'> | null, extra: Partial<PortalOutcome> = {}): PortalOutcome {
  return { key, action, appId: app?.id ?? null, clientId: app?.clientId ?? null, label: app?.label ?? null, changes: [], reason: null, message: null, writeBack: 'off', ...extra };
}

async function syncOne(ctx: Ctx, record: PortalRecord): Promise<PortalOutcome> {
  const { portals, clock, emitter } = ctx.deps;
  const row = portals.upsertSource(
    { key: record.key, line: record.line, name: record.name, baseUrl: record.baseUrl, redirectUris: record.redirectUris },
    clock.now(),
  );
  if (record.classification.state === 'invalid') {
    const { reason, message } = record.classification;
    if (row.state !== 'invalid' || row.reason !== reason || row.message !== message) setState(ctx, record.key, { state: 'invalid', reason, message });
    return outcomeOf(record.key, 'invalid', null, { reason, message, appId: row.appId, clientId: row.clientId });
  }
  const wanted = portalAppInput(record, ctx.options.settings, ctx.options.installation);
  try {
    return await register(ctx, row, wanted);
  } catch (err) {
    if (err instanceof AuthError || err instanceof OktaUnreachableError || err instanceof InterruptedError) throw err;
    const code = isEfsOktaError(err) ? err.code : 'UNEXPECTED';
    const message = describeError(err);
    const now = portals.get(record.key) as PortalRow;
    setState(ctx, record.key, { state: 'failed', reason: code, message, lastError: message });
    emitter.emit('portal:failed', { key: record.key, code, message });
    // A credentials file that cannot be written would lose every following secret too: stop.
    if (err instanceof CredentialsFileError && err.code !== 'CREDENTIALS_NEWER') throw err;
    return outcomeOf(record.key, 'failed', null, { reason: code, message, appId: now.appId, clientId: now.clientId, label: now.label });
  }
}

async function register(ctx: Ctx, row: PortalRow, wanted: OidcAppInput): Promise<PortalOutcome> {
  const { okta, emitter } = ctx.deps;
  const key = row.key;
  const hash = settingsHash(wanted);
  const changes: string[] = [];
  // An app our own rollback deleted is not "missing": the portal is simply registered afresh.
  const knownId = row.state === 'deleted' ? null : row.appId;
  const located = await locateApp(okta, knownId, [wanted.label, ...(row.label ? [row.label] : [])]);
  if (located.goneId) {
    emitter.emit('warning', { code: 'PORTAL_APP_GONE', message: `the Okta app ${located.goneId} of portal ${key} no longer exists (deleted in Okta?): the portal is registered again` });
  }
  let action: PortalAction = 'unchanged';
  let app = located.app;
  let secretHandedOver = app !== null && app.id === row.appId && row.secretIssuedAt !== null;
  let writeBack: PortalOutcome['writeBack'] = 'off';
  if (app === null) {
    setState(ctx, key, { state: 'registering', reason: null, message: null, attemptsIncrement: true, appId: null, clientId: null, label: wanted.label, secretIssuedAt: null, lastError: null });
    const made = await createOrFind(okta, wanted);
    app = made.app;
    action = made.created ? 'created' : 'adopted';
    setState(ctx, key, { state: 'registering', appId: app.id, clientId: app.clientId, label: app.label, secretIssuedAt: null });
    if (made.created && app.clientSecret) {
      const handed = await handOver(ctx, key, app, app.clientSecret, null);
      writeBack = handed.writeBack;
      note(ctx, key, { secretIssuedAt: ctx.deps.clock.now() });
      secretHandedOver = true;
      changes.push('secret');
      // The create's answer carries the secret but not its id; a later rotation needs the id to
      // know which secret it must not remove before the new one is on file.
      const id = await soleSecretId(okta, app.id).catch((err: unknown) => {
        if (err instanceof AuthError) throw err;
        // Without the id a later rotation only refuses to guess; the portal itself is registered.
        return null;
      });
      if (id) ctx.deps.credentials.write(key, { ...handed.entry, secretId: id });
    }
  } else if (app.id !== row.appId) {
    action = 'adopted';
    setState(ctx, key, { state: 'registering', reason: null, message: null, appId: app.id, clientId: app.clientId, label: app.label, secretIssuedAt: null });
  }

  const diff = settingsDiff(app, wanted);
  // The secret an update answers with (see recoverSecret), kept only until it is handed over.
  let shownSecret: string | null = null;
  // The hash also covers what Okta's app view does not show us (the token endpoint auth method).
  if (diff.length > 0 || (action !== 'created' && row.settingsHash !== hash)) {
    const updated = await okta.updateOidcApp(app.id, wanted);
    shownSecret = updated.clientSecret;
    app = { ...updated, clientSecret: null };
    changes.push(...(diff.length > 0 ? diff : ['settings']));
  }

  const assigned = new Set(await okta.listAppGroupIds(app.id));
  for (const [kind, groupId] of ctx.groupIds) {
    if (assigned.has(groupId)) continue;
    await okta.assignGroupToApp(app.id, groupId);
    changes.push(`group:${kind}`);
  }

  const rotate = ctx.options.rotateSecret === key && action !== 'created';
  if (!secretHandedOver && !rotate) {
    const recovered = await recoverSecret(okta, app.id, wanted, shownSecret);
    if (recovered) {
      writeBack = (await handOver(ctx, key, app, recovered.value, recovered.id)).writeBack;
      note(ctx, key, { secretIssuedAt: ctx.deps.clock.now() });
      secretHandedOver = true;
      changes.push('secret');
    }
  }
  if (!secretHandedOver || rotate) {
    // From here until the hand-over is noted, the app's secret counts as unknown: a rotation that
    // dies half-way is finished by the next run, with or without the flag.
    if (secretHandedOver) note(ctx, key, { secretIssuedAt: null });
    const issued = await issueSecret(okta, app.id, ctx.deps.credentials.secretIdOnFile(key, app.id));
    writeBack = (await handOver(ctx, key, app, issued.value, issued.id)).writeBack;
    // Only once the new secret is safe on disk may the old ones go; until the journal notes the
    // hand-over, a rerun issues yet another secret (and the file entry is replaced by the newer one).
    await retireOtherSecrets(okta, app.id, issued.id);
    note(ctx, key, { secretIssuedAt: ctx.deps.clock.now() });
    changes.push('secret');
  }

  if (action === 'unchanged' && changes.length > 0) action = 'updated';
  const message = writeBack === 'failed' ? 'registered; the database write-back of its credentials failed (they are in the credentials file)' : null;
  const settled = row.state === 'registered' && row.settingsHash === hash && row.label === wanted.label && row.message === message;
  if (action !== 'unchanged' || !settled) {
    setState(ctx, key, { state: 'registered', reason: null, message, settingsHash: hash, appId: app.id, clientId: app.clientId, label: wanted.label, lastError: null });
    emitter.emit('portal:registered', { key, appId: app.id, clientId: app.clientId, created: action === 'created' });
  }
  return outcomeOf(key, action, { id: app.id, clientId: app.clientId, label: wanted.label }, { changes, writeBack, message });
}

async function createOrFind(okta: OktaGateway, wanted: OidcAppInput): Promise<{ app: OidcApp; created: boolean }> {
  try {
    return { app: await okta.createOidcApp(wanted), created: true };
  } catch (err) {
    // No definite answer (connection dropped, 5xx): the app may exist. Look, never create again.
    if (!createOutcomeUnknown(err)) throw err;
    const found = await findAppByExactLabel(okta, wanted.label);
    if (found) return { app: found, created: false };
    throw err;
  }
}

/** Credentials file first (the only copy of the secret), then the optional database write-back. */
async function handOver(ctx: Ctx, key: string, app: OidcApp, secret: string, secretId: string | null): Promise<{ writeBack: PortalOutcome['writeBack']; entry: PortalCredentialEntry }> {
  const issuedAt = new Date(ctx.deps.clock.now()).toISOString();
  const entry: PortalCredentialEntry = { clientId: app.clientId, clientSecret: secret, appId: app.id, label: app.label, issuedAt, ...(secretId ? { secretId } : {}) };
  ctx.deps.credentials.write(key, entry);
  if (!ctx.deps.writeBack) return { writeBack: 'off', entry };
  try {
    await ctx.deps.writeBack({ portalKey: key, clientId: app.clientId, clientSecret: secret });
    return { writeBack: 'written', entry };
  } catch (err) {
    const code = isEfsOktaError(err) ? err.code : 'WRITEBACK_FAILED';
    ctx.deps.emitter.emit('warning', { code, message: `portal ${key}: database write-back failed: ${describeError(err)}; the credentials are in ${ctx.deps.credentials.path}` });
    return { writeBack: 'failed', entry };
  }
}
