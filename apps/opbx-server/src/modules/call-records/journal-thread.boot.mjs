// Worker threads do not inherit the TypeScript loader of the thread that starts them (tsx, vitest):
// register tsx here, then load the journal thread.
import { register } from 'tsx/esm/api';

register();
await import('./journal-thread.worker.ts');
