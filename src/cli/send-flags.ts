import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import type { SendOptions } from '../commands/send-selection.js';
import { confirmSending, describeSendPlan, type SendPlan } from '../users/send-guard.js';

/** The flags `users activate` and `users reactivate` share: who, when, and the confirmation. */
export interface SendFlags {
  only?: string;
  exclude?: string;
  ignoreUnmatched?: boolean;
  yes?: boolean;
  startAt?: string;
}

export function withSendFlags(cmd: Command): Command {
  return cmd
    .option('--only <file>', 'only the logins or source keys listed in FILE (one per line)')
    .option('--exclude <file>', 'never the logins or source keys listed in FILE (one per line)')
    .option('--ignore-unmatched', 'go ahead even if lines of --only/--exclude match nobody this command could send to')
    .option('--yes', 'confirm sending more emails than activation.confirmAbove without a terminal')
    .addOption(new Option('--start-at <time>', 'wait until this time before the first email (06:00 or an ISO time)'));
}

/**
 * The send flags as the library's options: list lines that match nobody are printed on stdout, and
 * the plan is printed and, above activation.confirmAbove, confirmed at the terminal.
 */
export function sendOptions(flags: SendFlags): SendOptions {
  return {
    only: flags.only,
    exclude: flags.exclude,
    ignoreUnmatched: flags.ignoreUnmatched,
    yes: flags.yes,
    startAt: flags.startAt,
    onUnmatched: (text) => void process.stdout.write(text),
    confirm: (plan, now, confirmAbove) => guardSending(plan, now, { yes: flags.yes, confirmAbove }),
  };
}

/** Prints what will be sent and asks for the confirmation the count needs. */
export async function guardSending(plan: SendPlan, now: number, o: { yes?: boolean; confirmAbove: number }): Promise<void> {
  process.stdout.write(`${describeSendPlan(plan, now)}\n`);
  // Links written to a file (--no-email) reach nobody's mailbox: only emails need the confirmation.
  await confirmSending(plan.sendEmail ? plan.count : 0, {
    yes: o.yes ?? false,
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    confirmAbove: o.confirmAbove,
    ask: async (q) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(q);
      } finally {
        rl.close();
      }
    },
  });
}
