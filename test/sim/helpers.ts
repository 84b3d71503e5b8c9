import { Client, DefaultRequestExecutor, OktaApiError, type UserProfile } from '@okta/okta-sdk-nodejs';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSimulator, type SimOptions, type Simulator } from '../../src/sim/index.js';

/**
 * Test helpers: a simulator on a free loopback port and the official SDK pointed at it. The SDK
 * accepts an http:// orgUrl (it has no https check); its cache is off so every call reaches the
 * simulator, and `maxRetries: 0` by default so a 429 surfaces instead of being waited out.
 */
export async function startTestSim(options: SimOptions = {}): Promise<Simulator> {
  return startSimulator({ token: 'test-token-0123456789', seed: 7, ...options });
}

/**
 * One simulator for the whole test file, reset before each test, with an SDK client for it: `set`
 * receives both once the simulator listens.
 */
export function withSharedSim(set: (sim: Simulator, okta: Client) => void, options: SimOptions = { noLimits: true }): void {
  let sim: Simulator | null = null;
  beforeAll(async () => {
    sim = await startTestSim(options);
    set(sim, sdkClient(sim));
  });
  afterAll(async () => sim?.stop());
  beforeEach(() => sim?.reset());
}

export function sdkClient(sim: Simulator, opts: { maxRetries?: number; token?: string } = {}): Client {
  return new Client({
    orgUrl: sim.url,
    token: opts.token ?? sim.token,
    cacheMiddleware: null,
    requestExecutor: new DefaultRequestExecutor({ maxRetries: opts.maxRetries ?? 0, requestTimeout: 0 }),
  });
}

/** The OktaApiError an SDK call rejects with (fails the test if it resolves or throws something else). */
export async function oktaError(p: Promise<unknown>): Promise<OktaApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OktaApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail with an OktaApiError');
}

export function causes(e: OktaApiError): string[] {
  return (e.errorCauses ?? []).map((c) => String((c as { errorSummary?: unknown }).errorSummary));
}

/** A profile that passes Okta's default schema. */
export function profile(login: string, extra: Record<string, unknown> = {}): UserProfile {
  return { login, email: login, firstName: 'Ada', lastName: 'Lovelace', ...extra } as UserProfile;
}

/** GET/POST on the /__sim/ inspection endpoints (hand-written HTTP is allowed only there). */
export async function inspect(sim: Simulator, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sim.url}/__sim/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `SSWS ${sim.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`/__sim/${path} answered ${res.status}`);
  return res.json();
}
