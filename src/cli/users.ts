import type { Command } from 'commander';
import { registerActivate } from './users-activate.js';
import { registerCreate } from './users-create.js';
import { registerReactivate } from './users-reactivate.js';
import { registerRefresh } from './users-refresh.js';

export function register(program: Command): void {
  const users = program.command('users').description('phase 1 (create STAGED users) and phase 2 (activate, refresh, reactivate reminders)');
  registerCreate(users);
  registerActivate(users);
  registerRefresh(users);
  registerReactivate(users);
}
