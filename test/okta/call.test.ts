import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { AuthError, OktaCallError } from '../../src/core/errors.js';
import { CoreEmitter } from '../../src/core/events.js';
import { openOktaGateway } from '../../src/app/okta-gateway.js';
import { GROUP_OUTCOMES } from '../../src/groups/okta-groups.js';
import { OktaAnswerError, readFailedAnswer, type FailedAnswer } from '../../src/okta/answer.js';
import { call, matchRow, type OutcomeRow } from '../../src/okta/call.js';
import { APP_OUTCOMES } from '../../src/portals/okta-apps.js';
import { USER_OUTCOMES } from '../../src/users/okta-users.js';

/**
 * call(): every row of every operation's outcome table is hit by an answer Okta gives, and every
 * other answer fails as a named OktaCallError carrying what the executor parsed.
 */
const TABLES: Record<string, Record<string, readonly OutcomeRow<unknown>[]>> = {
  users: USER_OUTCOMES,
  groups: GROUP_OUTCOMES,
  apps: APP_OUTCOMES,
};

/** The errorCauses text Okta sends, for each `cause` pattern the tables use. */
const CAUSE_SAMPLES: Record<string, string> = {
  'already exists': 'login: An object with this field already exists in the current organization',
};

/** An error code a row without one may meet (Okta's code for that status). */
const CODE_FOR_STATUS: Record<number, string> = { 404: 'E0000007' };

function answerFor(row: OutcomeRow<unknown>): FailedAnswer {
  const causes = row.cause ? [CAUSE_SAMPLES[row.cause.source] ?? ''] : [];
  return { status: row.status, errorCode: row.errorCode ?? CODE_FOR_STATUS[row.status] ?? null, errorSummary: 'summary', causes, requestId: 'req-1' };
}

const rows = Object.entries(TABLES).flatMap(([feature, table]) =>
  Object.entries(table).flatMap(([op, outcomes]) => outcomes.map((row, i) => ({ name: `${feature}.${op} row ${i + 1} (${row.status} ${row.errorCode ?? '*'})`, row, outcomes }))),
);

describe('okta call: outcome tables', () => {
  it.each(rows)('okta call turns $name into its outcome', async ({ row, outcomes }) => {
    const answer = answerFor(row);
    expect(matchRow(answer, outcomes)).toBe(row);
    const expected = typeof row.outcome === 'function' ? (row.outcome as (a: FailedAnswer) => unknown)(answer) : row.outcome;
    await expect(call('an operation', () => Promise.reject(new OktaAnswerError(answer)), outcomes)).resolves.toEqual(expected);
  });

  it.each(rows)('okta call table row $name says why, with a citation', ({ row }) => {
    expect(row.why.length).toBeGreaterThan(20);
    expect(row.doc).toMatch(/^https:\/\/developer\.okta\.com\//);
    if (row.cause) expect(CAUSE_SAMPLES[row.cause.source]).toBeDefined();
  });

  it('okta call maps a login taken on create, and the same code with other causes as a rejected profile', async () => {
    const fail = (answer: FailedAnswer) => () => Promise.reject(new OktaAnswerError(answer));
    const base = { status: 400, errorCode: 'E0000001', errorSummary: 'Api validation failed: login', requestId: null };
    await expect(call('creating a user', fail({ ...base, causes: [CAUSE_SAMPLES['already exists'] as string] }), USER_OUTCOMES.createUser)).resolves.toEqual({ outcome: 'login_taken' });
    await expect(call('creating a user', fail({ ...base, causes: ['email: Does not match required pattern'] }), USER_OUTCOMES.createUser)).resolves.toEqual({
      outcome: 'rejected', errorCode: 'E0000001', reason: 'okta.rejected', message: 'email: Does not match required pattern',
    });
  });

  it('okta call returns what the call returns when Okta answers with success', async () => {
    await expect(call('looking up a user', () => Promise.resolve('user'), USER_OUTCOMES.getUser)).resolves.toBe('user');
  });
});

describe('okta call: what no row names', () => {
  it('okta call throws OktaCallError with the parsed answer for an answer no row names', async () => {
    const answer: FailedAnswer = { status: 403, errorCode: 'E0000056', errorSummary: 'Delete application forbidden.', causes: ['Application must be deactivated before it can be deleted.'], requestId: 'req-9' };
    const err = await call('deleting an app', () => Promise.reject(new OktaAnswerError(answer)), APP_OUTCOMES.deleteApp).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaCallError);
    expect(err).toMatchObject({ code: 'OKTA_ERROR', status: 403, errorCode: 'E0000056', context: { requestId: 'req-9' } });
    expect((err as Error).message).toBe('deleting an app: Okta answered 403 E0000056 (Delete application forbidden.): Application must be deactivated before it can be deleted.');
    expect((err as Error).cause).toBeInstanceOf(OktaAnswerError);
  });

  it('okta call passes our own errors through and names any other failure for the operation, without its URL', async () => {
    const auth = new AuthError('OKTA_UNAUTHORIZED', 'token refused');
    await expect(call('looking up a user', () => Promise.reject(auth))).rejects.toBe(auth);
    const err = await call('looking up a user', () => Promise.reject(new TypeError('bad JSON from https://acme.okta.com/api/v1/users/ada@acme.example'))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OKTA_CALL_FAILED', status: null, errorCode: null });
    expect((err as Error).message).toBe('looking up a user: bad JSON from <url>');
  });
});

describe('okta call: the answer is parsed once, where the executor reads it', () => {
  const TOKEN = 'efs-call-test-token-5d1c';
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('okta call fails an unexpected answer with status, code, summary, causes and request id, and never the token or the login', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(400, { 'Content-Type': 'application/json', 'X-Okta-Request-Id': 'reqXyZ42' });
      res.end(JSON.stringify({ errorCode: 'E0000031', errorSummary: 'Invalid search criteria.', errorId: 'oae1', errorCauses: [{ errorSummary: 'filter: bad operator' }] }));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const okta = openOktaGateway({
      orgUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, share: 1, concurrency: 2, maxAttempts: 2,
      credentials: { env: { OKTA_API_TOKEN: TOKEN } }, clock: systemClock, emitter: new CoreEmitter(),
    });
    const err = await okta.getUser('ada@acme.example').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaCallError);
    expect(err).toMatchObject({ code: 'OKTA_ERROR', status: 400, errorCode: 'E0000031', context: { requestId: 'reqXyZ42' } });
    expect((err as Error).message).toBe('looking up a user: Okta answered 400 E0000031 (Invalid search criteria.): filter: bad operator');
    const everything = JSON.stringify({ message: (err as Error).message, context: (err as OktaCallError).context, cause: String((err as Error).cause) });
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('ada@acme.example');
  });

  it('okta answer reads a WWW-Authenticate challenge, a body that is not JSON, and the errorId when no request id header came', async () => {
    const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });
    const challenge = await readFailedAnswer({ status: 401, headers: headers({ 'www-authenticate': 'DPoP error="invalid_dpop_proof", error_description="jti reused"' }), text: async () => '' });
    expect(challenge).toMatchObject({ status: 401, errorCode: 'invalid_dpop_proof', errorSummary: 'jti reused', causes: [], requestId: null });
    const html = await readFailedAnswer({ status: 502, headers: headers({ 'x-okta-request-id': 'r1' }), text: async () => '<html>Bad gateway</html>' });
    expect(html).toEqual({ status: 502, errorCode: null, errorSummary: null, causes: [], requestId: 'r1' });
    const body = await readFailedAnswer({ status: 404, headers: headers({}), text: async () => JSON.stringify({ errorCode: 'E0000007', errorSummary: 'Not found', errorId: 'oaeX', errorCauses: [] }) });
    expect(body).toEqual({ status: 404, errorCode: 'E0000007', errorSummary: 'Not found', causes: [], requestId: 'oaeX' });
  });
});
