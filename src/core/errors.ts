/**
 * Named errors. Every error the tool raises on purpose is an EfsOktaError with a stable `code`,
 * a `context` (never secrets) and, where it wraps another error, a `cause`. `exitCode` tells the CLI
 * how to end: 2 usage/config, 3 auth/permission/fatal. Messages say what to do next.
 */
export type ErrorContext = Record<string, string | number | boolean | null | undefined>;

export interface EfsOktaErrorOptions {
  context?: ErrorContext;
  cause?: unknown;
}

export class EfsOktaError extends Error {
  readonly code: string;
  readonly context: ErrorContext;
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number = 3;

  constructor(code: string, message: string, options: EfsOktaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = options.context ?? {};
  }
}

/** A mistake in flags or the config file: exit 2, nothing was done. */
export class ConfigError extends EfsOktaError {
  override readonly exitCode = 2;
}

/** A usage mistake on the command line (unknown or conflicting flags): exit 2. */
export class UsageError extends EfsOktaError {
  override readonly exitCode = 2;
}

/** Okta refused our credentials (401) or permissions (403): stop at once, exit 3. */
export class AuthError extends EfsOktaError {
  override readonly exitCode = 3;
}

/** The source cannot be read at all (missing file, unterminated quote, unreachable database). */
export class SourceError extends EfsOktaError {
  override readonly exitCode = 2;
}

/** The journal is unusable or held by another process. */
export class JournalError extends EfsOktaError {
  override readonly exitCode = 3;
}

/** An Okta call failed for good (after the retries the retry table allows). */
export class OktaCallError extends EfsOktaError {
  readonly status: number | null;
  readonly errorCode: string | null;
  override readonly exitCode = 3;

  constructor(
    code: string,
    message: string,
    details: { status: number | null; errorCode: string | null },
    options: EfsOktaErrorOptions = {},
  ) {
    super(code, message, options);
    this.status = details.status;
    this.errorCode = details.errorCode;
  }
}

/** The org cannot be reached at all (host does not resolve, connection refused): the run stops, exit 3. */
export class OktaUnreachableError extends OktaCallError {}

/** The run was interrupted (Ctrl-C): in-flight work drained, exit 130. */
export class InterruptedError extends EfsOktaError {
  override readonly exitCode = 130;
}

export function isEfsOktaError(err: unknown): err is EfsOktaError {
  return err instanceof EfsOktaError;
}

/** A short one-line description of any thrown value, safe for logs (no stack, no secrets added). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
