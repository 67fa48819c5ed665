import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { REPO_ROOT, run } from '../../opbx-server/test/support/cli.js';
import { createContext } from '../src/context.js';
import { loadSnapshot } from '../src/modules/routing/routing.state.js';
import { freshDatabaseUrl, testConfig } from './support/context.js';

/** `warp import-npanxx FILE` as an operator runs it, then the routing snapshot built from that database. */
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'warp-npanxx-'));
const warp = (args: string[]) => run(`${REPO_ROOT}node_modules/.bin/tsx`, ['apps/warp-server/src/cli.ts', ...args], env);

beforeAll(async () => {
  db = await freshDatabaseUrl();
  env = { DATABASE_URL: db.url, WARP_APP_KEY: randomBytes(24).toString('hex'), LOG_LEVEL: 'silent', NODE_ENV: 'test' };
});
afterAll(() => db?.drop());

describe('warp import-npanxx', () => {
  it('imports the documented CSV (rows override the libphonenumber default), reports bad lines with exit 1, refuses unknown columns', async () => {
    const good = join(dir, 'lerg.csv');
    writeFileSync(good, 'npanxx,state,rate_center,ocn,lata\n212555,NY,NWYRCYZN01,9104,132\n212556,ny,NWYRCYZN01,9104,132\n201555,NJ,HACKENSACK,9102,224\n');
    const ok = await warp(['import-npanxx', good]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toEqual({ accepted: 3, rejected: [] });

    const mixed = join(dir, 'mixed.csv');
    writeFileSync(mixed, 'state,npanxx\nTX,512555\nTexas,512556\nTX,112555\n');
    const bad = await warp(['import-npanxx', mixed]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout.trim())).toEqual({
      accepted: 1,
      rejected: [
        { line: 3, reason: 'state must be a two-letter code' },
        { line: 4, reason: 'npanxx must be 6 digits NPA-NXX (NPA and NXX start 2-9)' },
      ],
    });
    const unknown = join(dir, 'unknown.csv');
    writeFileSync(unknown, 'npanxx,state,carrier\n212555,NY,X\n');
    const refused = await warp(['import-npanxx', unknown]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('unknown column(s): carrier');
    expect((await warp(['import-npanxx', join(dir, 'missing.csv')])).code).toBe(1);

    const ctx = await createContext(testConfig(db.url));
    try {
      const snap = await loadSnapshot(ctx, 1);
      expect(snap.reference.lookup('212555')).toEqual({ state: 'NY', rateCenter: 'NWYRCYZN01', ocn: '9104', lata: '132' });
      expect(snap.reference.lookup('212556')?.state).toBe('NY');
      expect(snap.reference.lookup('512555')).toEqual({ state: 'TX', rateCenter: null, ocn: null, lata: null });
      // Codes the import did not name keep the default table's state.
      expect(snap.reference.lookup('310555')?.state).toBe('CA');
    } finally {
      await ctx.close();
    }
  }, 180_000);
});
