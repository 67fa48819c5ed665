import { installProcessGuards } from '../process-guards.js';

interface LifecycleLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

/**
 * How a server process ends: SIGTERM/SIGINT stop it cleanly (in-flight requests finish), and the
 * process guards log what escaped every other guard. Installed before listening, so a signal during
 * start-up already shuts down cleanly.
 */
export function handleProcessSignals(log: LifecycleLogger, stop: () => Promise<void>): void {
  installProcessGuards(log, stop);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // `on`, not `once`: a terminal's Ctrl-C can arrive twice (directly and relayed by tsx); stop() must be idempotent.
    process.on(signal, () => {
      log.info({ signal }, 'shutting down');
      void stop().then(() => process.exit(0));
    });
  }
}
