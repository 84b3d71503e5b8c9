/**
 * Numbered schema migrations, applied in order inside one transaction each; PRAGMA user_version
 * holds the number of the last one applied. Never edit a migration that has shipped: add one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

import { m001 } from './001-initial.js';
import { m002 } from './002-portals.js';
import { m003 } from './003-state-index.js';
import { m004 } from './004-ownership.js';
import { m005 } from './005-okta-fields.js';
import { m009 } from './009-activation.js';
import { m010 } from './010-reactivation.js';

export const migrations: Migration[] = [m001, m002, m003, m004, m005, m009, m010];
