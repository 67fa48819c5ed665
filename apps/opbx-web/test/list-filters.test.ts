/**
 * List filters live in the URL. Two filter changes close together must both stay there: a search
 * (applied after a pause in typing) landing just after a filter was chosen used to replace the URL
 * with one built from the older params, dropping the filter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_OWNER, type Harness, nav, signIn, startHarness } from './support/browser.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('list filters in the URL', { timeout: 60_000 }, () => {
  it('keeps a filter chosen while a search is still pending', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await nav(page, 'Call logs').click();
    await page.getByLabel('Search by phone number').fill('+1555');
    // within the search's pause: the filter lands first, the search after it
    await page.getByLabel('Outcome').selectOption('missed');
    await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe('+1555');
    await new Promise((r) => setTimeout(r, 500));
    const url = new URL(page.url());
    expect([url.searchParams.get('search'), url.searchParams.get('outcome')]).toEqual(['+1555', 'missed']);
  });
});
