import { describeError, isEfsOktaError, OktaCallError } from '../core/errors.js';
import { describeAnswer, OktaAnswerError, type FailedAnswer } from './answer.js';

/**
 * How every gateway operation makes its Okta call: `call(op, send, outcomes)` runs the SDK call
 * (which goes through the governor: pacing, retries), and when Okta's answer is a failure, looks
 * it up in the operation's outcome table. A row that matches turns the answer into a value the
 * caller branches on (`login_taken`, `null` for a user that is not there); anything else is
 * final: AuthError and the governor's OktaCallErrors pass through as they are, an answer no row
 * names becomes OktaCallError naming the operation (never a URL: a path may hold a login).
 */
export interface OutcomeRow<O> {
  /** The HTTP status of Okta's answer. */
  status: number;
  /** Okta's errorCode; absent: any code (or none) with this status. */
  errorCode?: string;
  /** One of errorCauses[].errorSummary must match; absent: any causes. */
  cause?: RegExp;
  /** What the call returns instead of failing: a value, or one made from the answer. */
  outcome: O | ((answer: FailedAnswer) => O);
  /** Why this answer means that (the Okta behaviour it relies on). */
  why: string;
  /** Where Okta documents it. */
  doc?: string;
}

export type Outcomes<O> = readonly OutcomeRow<O>[];

export const ERROR_CODES_DOC = 'https://developer.okta.com/docs/reference/error-codes/';

/** An answer to nothing: no row, every failure is final. */
export const NO_OUTCOMES: Outcomes<never> = [];

/**
 * The row for "it is not there": Okta answers 404 E0000007 for an id it does not know, so after a
 * lost answer or a removal by hand the thing asked for is already gone.
 */
export function notFound<O>(outcome: O, why: string): OutcomeRow<O> {
  return { status: 404, outcome, why: `404 (E0000007 Not found): ${why}`, doc: `${ERROR_CODES_DOC}#E0000007` };
}

/** The first row that matches the answer, if any: rows are in order, the more specific first. */
export function matchRow<O>(answer: FailedAnswer, outcomes: Outcomes<O>): OutcomeRow<O> | null {
  for (const row of outcomes) {
    if (row.status !== answer.status) continue;
    if (row.errorCode !== undefined && row.errorCode !== answer.errorCode) continue;
    const cause = row.cause;
    if (cause && !answer.causes.some((c) => cause.test(c))) continue;
    return row;
  }
  return null;
}

export async function call<S, O = never>(op: string, send: () => Promise<S>, outcomes: Outcomes<O> = NO_OUTCOMES): Promise<S | O> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof OktaAnswerError)) throw callFailure(op, err);
    const row = matchRow(err.answer, outcomes);
    if (!row) throw answerError(op, err.answer, err);
    return typeof row.outcome === 'function' ? (row.outcome as (a: FailedAnswer) => O)(err.answer) : row.outcome;
  }
}

/** Okta's answer that `op` cannot go on from, as the named error the run files it under. */
export function answerError(op: string, answer: FailedAnswer, cause?: unknown): OktaCallError {
  return new OktaCallError('OKTA_ERROR', `${op}: ${describeAnswer(answer)}`, { status: answer.status, errorCode: answer.errorCode }, {
    context: { requestId: answer.requestId },
    cause: cause ?? new OktaAnswerError(answer),
  });
}

/** Our own errors pass through; anything else (the SDK failing to read an answer) is named for `op`. */
function callFailure(op: string, err: unknown): Error {
  if (isEfsOktaError(err)) return err;
  return new OktaCallError('OKTA_CALL_FAILED', `${op}: ${describeError(err).replace(/https?:\/\/\S+/g, '<url>')}`, { status: null, errorCode: null }, { cause: err });
}
