/**
 * People (issue 14 items 3 and 5): the colleague directory every role reads, from the main
 * navigation; and the dashboard's per-extension and per-ring-group figures, scoped for an agent.
 */
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { insertCallLogs } from '../../opbx-server/test/support/telephony.js';
import { api, apiToken, DEMO_AGENT, DEMO_OWNER, type Harness, nav, PHONE, shot, signIn, startHarness } from './support/browser.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('colleague directory', { timeout: 90_000 }, () => {
  it('lets an agent find a colleague by name, with the count matching the rows', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_AGENT);
    await nav(page, 'Directory').click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Directory' });
    // The demo's people and its virtual extension, by number.
    for (const [number, name] of [
      ['101', 'Dana Demo'],
      ['102', 'Alex Admin'],
      ['103', 'Sam Agent'],
      ['104', 'Riley Agent'],
    ])
      await table.getByRole('row', { name: new RegExp(`${number}.*${name}`) }).waitFor();
    const rows = await table.getByRole('row').count();
    await page
      .getByTestId('directory-count')
      .getByText(`${rows - 1} colleagues`)
      .waitFor();
    await shot(page, 'directory');

    await page.getByLabel('Search the directory').fill('riley');
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await table.getByRole('row', { name: /104.*Riley Agent/ }).waitFor();
    await page.getByTestId('directory-count').getByText('1 colleague', { exact: true }).waitFor();
    expect(h.cspViolations).toEqual([]);
  });

  it('is in the navigation for owners too, and fits a phone', async () => {
    const { page } = await h.open({ viewport: PHONE });
    await signIn(h, page, DEMO_OWNER);
    await page.getByRole('button', { name: 'Open menu' }).click();
    await nav(page, 'Directory').click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
    await page
      .getByRole('table', { name: 'Directory' })
      .getByRole('row', { name: /102.*Alex Admin/ })
      .waitFor();
    // No sideways page scroll at 390 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });
});

describe('dashboard figures per extension and ring group', { timeout: 90_000 }, () => {
  it('shows managers every extension and group, and an agent only their own extension, with hand-counted figures', async () => {
    const owner = await apiToken(h, DEMO_OWNER);
    const sam = (await api(h, owner, 'GET', '/extensions?search=103')).body.data[0].id as string;
    const sales = (await api(h, owner, 'GET', '/ring-groups?search=Sales')).body.data[0].id as string;
    const ago = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();
    const org = h.server.ctx;
    const organizationId = (await api(h, owner, 'GET', '/organization')).body.id as string;
    await insertCallLogs(org, [
      { organization_id: organizationId, created_at: ago(1), extension_id: sam, ring_group_id: sales, status: 'completed', duration: 60 },
      { organization_id: organizationId, created_at: ago(2), extension_id: sam, status: 'completed', duration: 120 },
      { organization_id: organizationId, created_at: ago(3), extension_id: sam, status: 'no_answer', duration: 0 },
      // Three days ago: only in the 7-day figures.
      { organization_id: organizationId, created_at: ago(72), extension_id: sam, status: 'busy', duration: 0 },
    ]);
    const cells = (table: Locator, row: RegExp) => table.getByRole('row', { name: row }).getByRole('cell').allInnerTexts();

    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    const figures = page.getByRole('region', { name: 'Extensions and ring groups' });
    const agents = figures.getByRole('table', { name: 'Calls per extension' });
    const groups = figures.getByRole('table', { name: 'Calls per ring group' });
    // 24 hours: 3 calls, 2 answered (60 s and 120 s: 1m 30s on average), 1 missed.
    await expect.poll(() => cells(agents, /^103 Sam Agent/)).toEqual(['103 Sam Agent', '3', '2', '1', '1m 30s']);
    await expect.poll(() => cells(agents, /^102 Alex Admin/)).toEqual(['102 Alex Admin', '0', '0', '0', '—']);
    await expect.poll(() => cells(groups, /^Sales/)).toEqual(['Sales', '1', '1', '0', '1m 00s']);
    await figures.getByRole('radio', { name: '7 days' }).click();
    await expect.poll(() => cells(agents, /^103 Sam Agent/)).toEqual(['103 Sam Agent', '4', '2', '2', '1m 30s']);
    await shot(page, 'dashboard-team-figures');

    const agent = await h.open();
    await signIn(h, agent.page, DEMO_AGENT);
    const own = agent.page.getByRole('region', { name: 'Your extension' });
    await expect.poll(() => cells(own.getByRole('table', { name: 'Calls per extension' }), /^103/)).toEqual(['103 Sam Agent', '3', '2', '1', '1m 30s']);
    await expect.poll(() => own.getByRole('table', { name: 'Calls per extension' }).getByRole('row').count()).toBe(2);
    expect(h.cspViolations).toEqual([]);
  });
});

describe('live board', { timeout: 90_000 }, () => {
  it('names who answered a ring group call', async () => {
    const owner = await apiToken(h, DEMO_OWNER);
    // Riley (104), whom the figures test above does not count.
    const riley = (await api(h, owner, 'GET', '/extensions?search=104')).body.data[0].id as string;
    const support = (await api(h, owner, 'GET', '/ring-groups?search=Support')).body.data[0].id as string;
    const organizationId = (await api(h, owner, 'GET', '/organization')).body.id as string;
    const now = new Date().toISOString();
    // As the journal leaves a Support call that Riley's extension took: filed under the member who answered.
    const [call] = await insertCallLogs(h.server.ctx, [
      { organization_id: organizationId, created_at: now, answer_time: now, status: 'answered', extension_id: riley, ring_group_id: support },
    ]);
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    const row = page.locator(`[data-testid="live-call"][data-call-id="${call!.call_id}"]`);
    await row.getByTestId('answered-by').getByText('Answered by Riley Agent (104)').waitFor();
    await row.getByText('Ring group Support').waitFor();
    await shot(page, 'live-answered-by');
    expect(h.cspViolations).toEqual([]);
  });
});
