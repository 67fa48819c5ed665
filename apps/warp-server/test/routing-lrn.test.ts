import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTeliqueSandbox, type TeliqueSandbox } from '../../warp-sandbox/telique/server.js';
import { TeliqueLrnClient } from '../src/modules/routing/lrn/telique.js';
import { defaultNpaNxxTable, stateOfPlace } from '../src/modules/routing/reference/npanxx.js';

/* The Telique LRN adapter against the Telique sandbox (a real HTTP server following Telique's contract). */

let telique: TeliqueSandbox;
beforeAll(async () => {
  telique = await startTeliqueSandbox({
    token: 'tlq_test_token',
    table: { '2125551234': { lrn: '2015550000', spid: '5678' }, '3105550000': { lrn: null } },
  });
});
afterAll(() => telique?.close());

const client = (extra = {}) => new TeliqueLrnClient({ baseUrl: telique.apiBase, token: 'tlq_test_token', timeoutMs: 300, cacheTtlMs: 60_000, ...extra });

describe('Telique sandbox (the contract itself)', () => {
  it('answers plain by default, JSON and XML on request, 400 BADCOMMAND, 401, 404, anonymous 429', async () => {
    const get = (path: string, token?: string) => fetch(`${telique.url}${path}`, { headers: token ? { 'x-api-token': token } : {} });
    expect(await (await get('/api/v1/lrn/2125551234', 'tlq_test_token')).text()).toBe('2015550000;5678');
    expect(await (await get('/v1/telique/lrn/2125551234?format=json', 'tlq_test_token')).json()).toMatchObject({ lrn: '2015550000', spid: '5678' });
    expect(await (await get('/api/v1/lrn/2125551234?format=xml', 'tlq_test_token')).text()).toContain('<lrn>2015550000</lrn>');
    expect(await (await get('/api/v1/lrn/7185550000', 'tlq_test_token')).text()).toBe('7185550000');
    const bad = await get('/api/v1/lrn/12345', 'tlq_test_token');
    expect([bad.status, await bad.text()]).toEqual([400, 'BADCOMMAND']);
    const badJson = await get('/api/v1/lrn/12345?format=json', 'tlq_test_token');
    expect([badJson.status, await badJson.json()]).toEqual([400, { error: { code: 'INVALID_PHONE_NUMBER', message: expect.any(String) } }]);
    expect((await get('/api/v1/lrn/3105550000?format=json', 'tlq_test_token')).status).toBe(404);
    expect((await get('/api/v1/lrn/2125551234', 'wrong')).status).toBe(401);
    const anonymous = [];
    for (let i = 0; i < 11; i++) anonymous.push((await get('/api/v1/lrn/2125551234')).status);
    expect(anonymous.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(anonymous[10]).toBe(429);
  });
});

describe('TeliqueLrnClient', () => {
  it("reads a ported number's LRN (both JSON shapes), a not-ported number as itself, 404 as no record", async () => {
    const c = client();
    expect(await c.dip('2125551234')).toEqual({ status: 'found', lrn: '2015550000' });
    expect(await c.dip('7185550000')).toEqual({ status: 'found', lrn: '7185550000' });
    expect(await c.dip('3105550000')).toEqual({ status: 'not_found' });
    const warpShape = await startTeliqueSandbox({ shape: 'warp', table: { '2125551234': { lrn: '2015550000' } } });
    try {
      expect(await new TeliqueLrnClient({ baseUrl: warpShape.apiBase }).dip('2125551234')).toEqual({ status: 'found', lrn: '2015550000' });
    } finally {
      await warpShape.close();
    }
  });

  it('caches answers for the TTL, never failures', async () => {
    const c = client();
    await c.dip('2125551234');
    await c.dip('2125551234');
    expect(c.dips).toBe(1);
    telique.fail('unavailable');
    const failed = client();
    expect(await failed.dip('2125551234')).toEqual({ status: 'failed', error: 'HTTP 503 DATA_STORE_UNAVAILABLE' });
    telique.fail('none');
    expect(await failed.dip('2125551234')).toEqual({ status: 'found', lrn: '2015550000' });
    expect(failed.dips).toBe(2);
    const short = client({ cacheTtlMs: 0 });
    await short.dip('2125551234');
    await short.dip('2125551234');
    expect(short.dips).toBe(2);
  });

  it('turns every failure of the service into a failed dip: 429, timeout, garbage, bad token, unreachable', async () => {
    telique.fail('rate_limit');
    expect(await client().dip('2125551234')).toEqual({ status: 'failed', error: 'HTTP 429 RATE_LIMIT_EXCEEDED' });
    telique.fail('timeout');
    expect(await client().dip('2125551234')).toEqual({ status: 'failed', error: 'timeout' });
    telique.fail('garbage');
    expect(await client().dip('2125551234')).toEqual({ status: 'failed', error: 'unreadable answer' });
    telique.fail('none');
    expect(await client({ token: 'nope' }).dip('2125551234')).toEqual({ status: 'failed', error: 'HTTP 401 UNAUTHORIZED' });
    expect(await new TeliqueLrnClient({ baseUrl: 'http://127.0.0.1:9/api/v1', timeoutMs: 300 }).dip('2125551234')).toMatchObject({ status: 'failed' });
    expect(await client().dip('12125551234')).toEqual({ status: 'failed', error: 'not a 10-digit NANP number' });
  });
});

describe('default NPA-NXX table (libphonenumber geocoding data)', () => {
  it('resolves NPA-NXX codes to states and provinces, NPA-level entries as a fallback', () => {
    const t = defaultNpaNxxTable();
    expect(t.size).toBeGreaterThan(30_000);
    expect(t.lookup('212555')?.state).toBe('NY');
    expect(t.lookup('310555')?.state).toBe('CA');
    expect(t.lookup('201200')?.state).toBe('NJ');
    expect(t.lookup('416555')?.state).toBe('ON');
    expect(t.lookup('907555')?.state).toBe('AK');
    expect(t.lookup('876555')).toBeUndefined();
    expect(stateOfPlace('San Antonio, TX')).toBe('TX');
    expect(stateOfPlace('Washington State')).toBe('WA');
    expect(stateOfPlace('Nassau')).toBeNull();
  });
});
