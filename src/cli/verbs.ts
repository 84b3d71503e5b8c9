import type { Command } from 'commander';
import { register as sim } from './sim.js';
import { register as dashboard } from './dashboard.js';

/** Each verb module exports `register(program)`; adding a verb = one file + one line here. */
export type RegisterVerb = (program: Command) => void;

export const verbs: RegisterVerb[] = [sim, dashboard];
