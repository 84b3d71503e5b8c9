import type { Command } from 'commander';
import { register as init } from './init.js';
import { register as plan } from './plan.js';
import { register as users } from './users.js';
import { register as report } from './report.js';
import { register as sim } from './sim.js';
import { register as portals } from './portals.js';
import { register as dashboard } from './dashboard.js';
import { register as status } from './status.js';
import { register as verify } from './verify.js';
import { register as rollback } from './rollback.js';

/** Each verb module exports `register(program)`; adding a verb = one file + one line here. */
export type RegisterVerb = (program: Command) => void;

export const verbs: RegisterVerb[] = [init, plan, users, status, verify, rollback, report, portals, dashboard, sim];
