import { installProcessGuards } from '../../src/process-guards.js';

/** A process with the guards: survives an unhandled rejection, shuts down cleanly on an uncaught exception. */
const lines: string[] = [];
const log = { error: (_o: object, msg: string) => lines.push(`error: ${msg}`), fatal: (_o: object, msg: string) => lines.push(`fatal: ${msg}`) };
installProcessGuards(log, async () => {
  lines.push('shutdown ran');
  process.stdout.write(JSON.stringify(lines));
});
void Promise.reject(new Error('nobody handles this'));
setTimeout(() => {
  lines.push('alive after the rejection');
  throw new Error('escaped every guard');
}, 50);
