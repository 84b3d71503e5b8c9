import type { Config } from '../config/load.js';
import { USER_KINDS, type UserKind } from '../core/types.js';
import type { ActivationOrder } from '../users/activate-order.js';

/** The kinds a command works on: those asked for, else both (admins first: they win merges). */
export function kindsOrAll(kinds: UserKind[] | undefined): UserKind[] {
  return kinds ?? [...USER_KINDS];
}

/** --order's default: by last EFS sign-in when the panelists' source maps lastLogin, else by key. */
export function defaultOrder(config: Config, kinds: UserKind[]): ActivationOrder {
  return kinds.includes('panelist') && config.sources.panelists?.columns.lastLogin ? 'last-login' : 'key';
}
