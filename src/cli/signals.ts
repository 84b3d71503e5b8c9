/**
 * Ctrl-C once: stop taking new work, let in-flight Okta calls finish and be recorded, exit 130.
 * Ctrl-C twice: exit 130 at once (the journal is still consistent: states are written before calls).
 */
export function interruptController(stderr: NodeJS.WritableStream = process.stderr): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (): void => {
    count++;
    if (count === 1) {
      stderr.write('\nefs-okta: stopping: finishing the requests in flight (Ctrl-C again to force)\n');
      controller.abort(new Error('interrupted'));
    } else {
      stderr.write('\nefs-okta: forced stop\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
