/**
 * Numbers that are true (issue 14 item 3, first part): call outcomes shown on the call logs and
 * filterable (in the URL), the dashboard's missed-calls list built from them, and the count
 * under a filtered list matching its rows. Each test signs in on its own.
 */
import { inboundCall, simulateCall } from '@opbx/callsim';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_DOMAIN, DEMO_OWNER, DEMO_REQUESTS_KEY, type Harness, nav, shot, signIn, startHarness } from './support/browser.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function apiAs(page: Page, method: string, path: string, body?: unknown) {
  const token = await page.evaluate(() => localStorage.getItem('opbx_auth_token'));
  const res = await fetch(`${h.base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const rand = (digits: number) => String(Math.floor(Math.random() * 10 ** digits)).padStart(digits, '0');

describe('call outcomes', { timeout: 90_000 }, () => {
  it('shows and filters outcomes, lists missed calls on the dashboard, and counts what it lists', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    // A line that rings one extension without voicemail: unanswered, the call is missed.
    const ext = await apiAs(page, 'POST', '/extensions', { extension_number: `5${rand(3)}`, type: 'virtual', voicemail_enabled: false });
    expect(ext.status).toBe(201);
    const number = `+1555${rand(7)}`;
    expect(
      (await apiAs(page, 'POST', '/dids', { phone_number: number, routing_type: 'extension', routing_config: { extension_id: ext.body.id } })).status,
    ).toBe(201);

    const missedCaller = `+1404${rand(7)}`;
    const answeredCaller = `+1404${rand(7)}`;
    const call = (from: string, target: { outcome: 'answer'; after: number; talk: number } | { outcome: 'no-answer' }) =>
      simulateCall({ baseUrl: h.base, requestsKey: DEMO_REQUESTS_KEY, domain: DEMO_DOMAIN, ...inboundCall(number, from), scenario: { defaultTarget: target } });
    expect((await call(missedCaller, { outcome: 'no-answer' })).errors).toEqual([]);
    expect((await call(answeredCaller, { outcome: 'answer', after: 1, talk: 2 })).outcome.answered).toBe(true);
    await h.server.app.voice.journal.flush();

    await nav(page, 'Call logs').click();
    await page.getByLabel('Search by phone number').fill(number);
    // The search is applied after a pause in typing; let it land before the next filter changes the URL.
    await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe(number);
    const rows = page.getByRole('row').filter({ hasText: '(404)' });
    await expect.poll(() => rows.count()).toBe(2);
    await rows
      .filter({ hasText: formatted(missedCaller) })
      .getByTestId('outcome')
      .getByText('Missed')
      .waitFor();
    await rows
      .filter({ hasText: formatted(answeredCaller) })
      .getByTestId('outcome')
      .getByText('Answered')
      .waitFor();

    await page.getByLabel('Outcome').selectOption('missed');
    await expect.poll(() => new URL(page.url()).searchParams.get('outcome')).toBe('missed');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByTestId('outcome').getByText('Missed').waitFor();
    // The count under the list is the rows it shows.
    await expect
      .poll(
        async () =>
          `${await page.getByRole('navigation', { name: 'Pagination' }).textContent()} | ${(await page.getByRole('row').allTextContents()).join(' / ')}`,
      )
      .toMatch(/^1 call\b/);
    await shot(page, 'call-logs-missed');

    await nav(page, 'Dashboard').click();
    const missed = page.getByTestId('missed-calls');
    await missed.getByText(formatted(missedCaller)).waitFor();
    await expect(missed.getByText(formatted(answeredCaller)).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'All missed calls' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('outcome')).toBe('missed');
    await expect(page.getByLabel('Outcome').inputValue()).resolves.toBe('missed');
    expect(h.cspViolations).toEqual([]);
  });
});

/** How the console writes a number of the (US) demo organization's own country: +14045550123 → "(404) 555-0123". */
function formatted(e164: string): string {
  return `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
}
