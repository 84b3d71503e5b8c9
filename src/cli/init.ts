import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { configTemplate } from '../config/template.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented config file to start from')
    .option('-c, --config <file>', 'where to write it', 'efs-okta.yaml')
    .option('--installation <name>', 'the installation name', 'my-installation')
    .option('--force', 'overwrite an existing file')
    .action((o: { config: string; installation: string; force?: boolean }) => {
      if (existsSync(o.config) && !o.force) {
        throw new UsageError('EXISTS', `${o.config} exists already: pass --force to overwrite it, or -c to write another file`);
      }
      writeFileSync(o.config, configTemplate(o.installation));
      process.stdout.write(`wrote ${o.config}: edit the sources and okta.orgUrl, then run "efs-okta plan -c ${o.config}"\n`);
    });
}
