/**
 * efs-okta as a library: the commands the CLI runs, each a function on an open runtime that returns a
 * typed summary (and, for those that write, the outcome and exit code of its journal run record).
 * The CLI (src/cli) only parses flags and renders these summaries; the demo calls them directly.
 *
 *   const rt = await openRuntime({ configPath: 'efs-okta.yaml', okta: true });
 *   try {
 *     const { summary, exitCode } = await createUsers(rt, { kinds: ['admin'] });
 *   } finally {
 *     rt.close();
 *   }
 *
 * Open the runtime without `lock` for a command that writes: the command takes the journal lock itself.
 */
export { openRuntime, userSourceSpecs, type Runtime, type RuntimeOptions } from './app/runtime.js';
export { loadConfig, DEFAULT_CONFIG_FILE, type Config, type ConfigFlags } from './config/load.js';

export { runCommand, type CommandDeps, type CommandOutcome, type CommandResult, type CommandRun, type CommandSpec } from './commands/run-command.js';
export { EXIT_CODES, exitCodeFor, exitCodeForError, type RunOutcome } from './commands/exit-codes.js';
export { plan, type PlanOptions, type PlanSummary } from './commands/plan.js';
export { createUsers, previewCreate, type CreatePreview, type CreateUsersOptions, type CreateUsersSummary, type SnapshotInfo } from './commands/create-users.js';
export { activateUsers, previewActivation, requireCreatedUsers, type ActivateUsersOptions, type ActivateUsersSummary, type ActivationPreview } from './commands/activate-users.js';
export { refreshUsers, type RefreshUsersOptions, type RefreshUsersSummary } from './commands/refresh-users.js';
export { remindUsers, previewReminders, type ReminderPreview, type RemindUsersOptions, type RemindUsersSummary } from './commands/remind-users.js';
export { syncPortals, previewPortals, type PortalsPreview, type SyncPortalsOptions, type SyncPortalsSummary } from './commands/sync-portals.js';
export { verify, type VerifyOptions } from './commands/verify.js';
export { rollback, previewRollback, type PortalRollbackSummary, type RollbackOptions, type RollbackPreview, type RollbackSummary, type UserRollbackSummary } from './commands/rollback.js';
export { status, orgStatus } from './commands/status.js';
export { doctor, type DoctorOptions, type DoctorSummary } from './commands/doctor.js';
export { report, type ReportOptions, type ReportSummary } from './commands/report.js';
export type { SendOptions } from './commands/send-selection.js';

export {
  EfsOktaError, ConfigError, UsageError, AuthError, SourceError, JournalError, OktaCallError, OktaUnreachableError, InterruptedError,
  isEfsOktaError, describeError, type ErrorContext,
} from './core/errors.js';
export { CoreEmitter, type CoreEvents, type CoreEventName } from './core/events.js';
export { systemClock, FakeClock, type Clock } from './core/clock.js';
export type { Kind, UserKind } from './core/types.js';
export type { RecordState } from './core/lifecycle/record.js';
export type { UserState } from './core/lifecycle/user.js';
export type { PortalState } from './core/lifecycle/portal.js';
export type { StatusModel } from './report/status-model.js';
export type { OrgStatusModel } from './report/org-status.js';
export type { VerifyResult } from './users/verify.js';
export type { DoctorReport } from './app/doctor.js';
export { startSimulator, type Simulator, type SimOptions } from './sim/index.js';
