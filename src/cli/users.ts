import type { Command } from 'commander';
import { registerActivate } from './users-activate.js';
import { registerCreate } from './users-create.js';

export function register(program: Command): void {
  const users = program.command('users').description('phase 1 (create STAGED users) and phase 2 (activate)');
  registerCreate(users);
  registerActivate(users);
}
