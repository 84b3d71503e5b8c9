import type { Command } from 'commander';

/** Each verb module exports `register(program)`; adding a verb = one file + one line here. */
export type RegisterVerb = (program: Command) => void;

export const verbs: RegisterVerb[] = [];
