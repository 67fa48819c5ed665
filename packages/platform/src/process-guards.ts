interface GuardLogger {
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

/**
 * The process-wide last resort, behind the per-request and per-socket guards. A rejected promise
 * nobody handled is contained in its own chain: logged, and the process goes on (Node would exit).
 * An exception that escaped every guard left state half-changed somewhere unknown: logged, then a
 * clean shutdown (the call journal drains) so the supervisor starts a process in a known state.
 */
export function installProcessGuards(log: GuardLogger, shutdown: () => Promise<void>): () => void {
  const onRejection = (reason: unknown) => log.error({ err: reason }, 'unhandled promise rejection; the process goes on');
  let exiting = false;
  const onException = (err: Error) => {
    log.fatal({ err }, 'uncaught exception; shutting down cleanly');
    if (exiting) return;
    exiting = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void shutdown().finally(() => process.exit(1));
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
