/** One progress line of a bench, set apart from its summary. */
export function log(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

/**
 * Runs a bench's `main` with what every bench needs: a watchdog, so a hang ends the run (the
 * server's 'exit' hook then kills it), Ctrl-C that also ends the server, and a one-line error.
 */
export function runBench(name: string, watchdogMs: number, main: () => Promise<void>): void {
  const watchdog = setTimeout(() => {
    process.stderr.write(`${name}: still running after ${watchdogMs / 1000} s, giving up\n`);
    process.exit(1);
  }, watchdogMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(130));
  }
  main().catch((error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
