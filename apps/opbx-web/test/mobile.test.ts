/**
 * Phones (issue 14 item 2): at 390 px every page fits the screen (no sideways page scroll), the
 * navigation collapses behind a menu button, drawers and dialogs take the full width, and the key
 * flows — a live call on the dashboard, the call logs, adding an extension — work there. Each test
 * signs in on its own.
 */
import { inboundCall, simulateCall } from '@opbx/callsim';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_AGENT, DEMO_DOMAIN, DEMO_OWNER, DEMO_REQUESTS_KEY, type Harness, PHONE, shot, signIn, startHarness } from './support/browser.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** How far the page scrolls sideways (0 when it fits). */
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** The elements that stick out on the right, for the failure message. */
const overflowing = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 80)} (${Math.round(el.getBoundingClientRect().right)} px)`)
      .join('; '),
  );

/** Opens the collapsed menu and follows one of its links. */
async function go(page: Page, name: string) {
  await page.getByRole('button', { name: 'Open menu' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('dialog', { name: 'Menu' }).waitFor({ state: 'hidden' });
}

async function fits(page: Page, heading: string | RegExp, name: string) {
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  // Lists and charts load after the heading; measure once the page has settled.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  if ((await sideways(page)) > 0) expect.fail(`${name} scrolls sideways at ${PHONE.width} px: ${await overflowing(page)}`);
  await shot(page, `phone-${name}`);
}

describe('at 390 px', { timeout: 120_000 }, () => {
  it('fits every page of an owner on the screen, with the navigation behind a menu', async () => {
    const { page } = await h.open({ viewport: PHONE });
    await signIn(h, page, DEMO_OWNER);
    // The sidebar is collapsed: its links are not on screen until the menu opens.
    await expect(page.getByRole('navigation', { name: 'Main' }).count()).resolves.toBe(0);
    await fits(page, 'Dashboard', 'dashboard');
    const pages: Array<[string, string | RegExp, string]> = [
      ['Call logs', 'Call logs', 'call-logs'],
      ['Extensions', 'Extensions', 'extensions'],
      ['Phone numbers', 'Phone numbers', 'phone-numbers'],
      ['Ring groups', 'Ring groups', 'ring-groups'],
      ['Business hours', 'Business hours', 'business-hours'],
      ['Test a call', 'Test a call', 'call-path'],
      ['Users', 'Users', 'users'],
      ['Cloudonix', 'Cloudonix', 'cloudonix'],
      ['Settings', 'Settings', 'settings'],
    ];
    for (const [link, heading, name] of pages) {
      await go(page, link);
      await fits(page, heading, name);
    }
    // Detail pages too.
    await go(page, 'Extensions');
    await page.getByRole('link', { name: '101', exact: true }).click();
    await fits(page, /Extension 101/, 'extension-detail');
    await go(page, 'Ring groups');
    await page.getByRole('link', { name: 'Sales' }).click();
    await fits(page, /Sales/, 'ring-group-editor');
    await go(page, 'Business hours');
    await page.getByRole('link', { name: 'Office hours' }).click();
    await page.getByTestId('weekly-schedule').waitFor();
    await fits(page, /Office hours/, 'business-hours-editor');
    expect(h.cspViolations).toEqual([]);
  });

  it('opens drawers full width and adds an extension', async () => {
    const { page } = await h.open({ viewport: PHONE });
    await signIn(h, page, DEMO_OWNER);
    await go(page, 'Extensions');
    await page.getByRole('button', { name: 'Add extension' }).click();
    const drawer = page.getByRole('dialog', { name: 'Add extension' });
    await drawer.waitFor();
    // Once it has slid in, it covers the screen edge to edge.
    await expect.poll(async () => (await drawer.boundingBox())?.x).toBe(0);
    expect((await drawer.boundingBox())?.width).toBe(PHONE.width);
    const number = `9${String(Math.floor(Math.random() * 900) + 100)}`;
    await drawer.getByLabel('Extension number').fill(number);
    await drawer.getByRole('button', { name: 'Add extension' }).click();
    const creds = page.getByRole('dialog', { name: `SIP credentials for ${number}` });
    await creds.waitFor();
    const credsBox = await creds.boundingBox();
    expect(credsBox!.x).toBeGreaterThanOrEqual(0);
    expect(credsBox!.x + credsBox!.width).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'phone-extension-credentials');
    await creds.getByRole('button', { name: 'I’ve saved the password' }).click();
    await page.getByRole('link', { name: number, exact: true }).waitFor();
    if ((await sideways(page)) > 0) expect.fail(`the extensions page scrolls sideways: ${await overflowing(page)}`);
  });

  it('shows a live call on the dashboard and finds it in the call logs', async () => {
    const { page } = await h.open({ viewport: PHONE });
    await signIn(h, page, DEMO_OWNER);
    await page.locator('[data-testid=realtime-status][data-state=live]').waitFor();
    const caller = `+1303${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
    const call = simulateCall({
      baseUrl: h.base,
      requestsKey: DEMO_REQUESTS_KEY,
      domain: DEMO_DOMAIN,
      ...inboundCall('+15550100002', caller),
      scenario: { defaultTarget: { outcome: 'answer', after: 4, talk: 2 } },
      realtime: true,
      rewriteOrigin: true,
    });
    const row = page.getByTestId('live-call').filter({ hasText: '(303)' });
    await row.waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await shot(page, 'phone-dashboard-live-call');
    const transcript = await call;
    expect(transcript.outcome.answered).toBe(true);
    await h.server.app.voice.journal.flush();

    await go(page, 'Call logs');
    await page.getByLabel('Search by phone number').fill(caller);
    await page.getByText('(303)').first().waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await shot(page, 'phone-call-logs-search');
  });

  it('fits an agent’s pages', async () => {
    const { page } = await h.open({ viewport: PHONE });
    await signIn(h, page, DEMO_AGENT);
    await fits(page, 'Dashboard', 'agent-dashboard');
    await go(page, 'Call logs');
    await fits(page, 'Call logs', 'agent-call-logs');
    await go(page, 'My extension');
    await fits(page, /Extension 103/, 'agent-my-extension');
    expect(h.cspViolations).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
