import type { Client } from '@okta/okta-sdk-nodejs';
import { call } from '../okta/call.js';

/**
 * Reminders for users who never followed their activation link (the reactivate call itself is in
 * okta-users.ts).
 *
 * Okta leaves the user PROVISIONED, so the user cannot tell whether a reactivation went out. The
 * System Log does: every reactivation writes a `user.lifecycle.reactivate` event whose target is
 * the user (https://developer.okta.com/docs/reference/api/event-types/). Bounded queries (`since`
 * and `until`) end; a query without `until` is a polling query whose `next` link never ends
 * (https://developer.okta.com/docs/reference/api/system-log/#bounded-requests).
 */
type Loose = Record<string, unknown>;

export const REACTIVATE_EVENT = 'user.lifecycle.reactivate';

export function lifecycleOps(client: Client, now: () => number) {
  async function reactivatedSince(userId: string, sinceMs: number): Promise<boolean> {
    return call("reading the System Log for a user's reactivation", async () => {
      const filter = `eventType eq "${REACTIVATE_EVENT}" and target.id eq "${userId.replace(/["\\]/g, '')}"`;
      const events = await client.systemLogApi.listLogEvents({
        since: new Date(sinceMs).toISOString(), until: new Date(Math.max(now(), sinceMs + 1)).toISOString(), filter, limit: 20,
      });
      for await (const e of events) {
        if (e && (e as unknown as Loose).eventType === REACTIVATE_EVENT) return true;
      }
      return false;
    });
  }

  return { reactivatedSince };
}
