import type { CommandOutcome } from '../commands/run-command.js';

/**
 * Ends a verb with the exit code its run mapped to (commands/exit-codes.ts). An interrupted run
 * says, on stderr like any error, how to continue.
 */
export function endWith(result: Pick<CommandOutcome<unknown>, 'outcome' | 'exitCode'>, interrupted: string): void {
  if (result.outcome === 'interrupted') process.stderr.write(`efs-okta: ${interrupted}\n`);
  process.exitCode = result.exitCode;
}
