import type { Clock } from '../core/clock.js';
import { AppStore } from './store/apps.js';
import { GroupStore } from './store/groups.js';
import { UserStore } from './store/users.js';
import { IdMaker, Rng } from './random.js';

/** An activation (or reactivation) email Okta would have sent; kept for `/__sim/outbox`. */
export interface OutboxEmail {
  to: string;
  userId: string;
  login: string;
  template: 'activation' | 'reactivation';
  activationUrl: string;
  sentAt: string;
}

export interface OrgBehaviour {
  /**
   * Activation is asynchronous in Okta: the user shows `transitioningToStatus` until it completes,
   * and an update meanwhile gets 409 E0000112 (https://developer.okta.com/docs/reference/error-codes/#E0000112).
   * Here the user stays transitioning for this many further requests on it (0 = activation is instant).
   */
  asyncActivationRequests: number;
  /**
   * Identity Engine orgs send activation links of the form `{org}/tokens/{token}/verify`; Classic
   * orgs `{org}/welcome/{token}` (https://developer.okta.com/docs/guides/oie-upgrade-overview/).
   */
  identityEngine: boolean;
  /**
   * What the org changed in its user schema: a login pattern, custom attributes, required ones.
   * Okta refuses a profile that does not fit (E0000001): https://developer.okta.com/docs/reference/api/schemas/
   */
  userSchema: { loginPattern: string | null; customProperties: Record<string, unknown>; customRequired: string[] };
  /** Principal Rate Limits entities (a token's or service app's share of each bucket). */
  principalRateLimits: { id: string; principalId: string; principalType: 'SSWS_TOKEN' | 'OAUTH_CLIENT'; defaultPercentage: number; defaultConcurrencyPercentage: number }[];
}

/**
 * The whole simulated org: the stores, the outbox and what makes ids. In-process callers (tests,
 * benches) reach it as `sim.org` and may insert through the stores directly.
 */
export class Org {
  readonly users = new UserStore();
  readonly groups = new GroupStore();
  readonly apps = new AppStore();
  outbox: OutboxEmail[] = [];
  readonly ids: IdMaker;
  /** Okta behaviours that vary by org or by moment; tests switch them on (see OrgBehaviour). */
  readonly behaviour: OrgBehaviour = {
    asyncActivationRequests: 0, identityEngine: false,
    userSchema: { loginPattern: null, customProperties: {}, customRequired: [] },
    principalRateLimits: [],
  };
  /**
   * Plain client secret values by secret id, in memory only (never in the state file): Okta shows an
   * app's secret again in the answer to an update (PUT), so the simulator must know it while it runs.
   * After a restart it is gone and an update answers without it.
   */
  readonly secretValues = new Map<string, string>();

  constructor(
    readonly clock: Clock,
    seed: number | null,
  ) {
    this.ids = new IdMaker(new Rng(seed === null ? null : seed ^ 0x5eed));
    this.addEveryone();
  }

  now(): number {
    return this.clock.now();
  }

  /** A fresh id with `prefix` that no user, group or app has. */
  newId(prefix: string): string {
    for (;;) {
      const id = this.ids.make(prefix);
      if (!this.users.get(id) && !this.groups.get(id) && !this.apps.get(id)) return id;
    }
  }

  private addEveryone(): void {
    const now = this.now();
    this.groups.insert({
      id: this.newId('00g'),
      type: 'BUILT_IN',
      name: 'Everyone',
      description: 'All users in your organization',
      created: now,
      lastUpdated: now,
      lastMembershipUpdated: now,
    });
  }

  reset(): void {
    this.users.clear();
    this.groups.clear();
    this.apps.clear();
    this.outbox = [];
    this.secretValues.clear();
    this.addEveryone();
  }
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
