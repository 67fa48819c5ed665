/**
 * Self-service (issue 14 item 5): every role's profile page (name, email, password with the
 * current password; an agent here), and business hours that say why they are closed ("Closed —
 * holiday: Christmas"). Each test signs in on its own.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_AGENT, DEMO_OWNER, type Harness, nav, shot, signIn, startHarness } from './support/browser.js';

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

describe('self-service', { timeout: 90_000 }, () => {
  it('lets an agent change their name and, with the current password, their password', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_AGENT);
    await page.getByRole('link', { name: 'Your profile' }).click();
    await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Samantha Agent');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Your profile is saved.').waitFor();
    await page.getByTestId('current-user').getByText('Samantha Agent').waitFor();

    // A new password needs the current one: checked here first, then by the server.
    await page.getByLabel('New password').fill('n3w-passw0rd');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('is required to change your email or password').waitFor();
    await page.getByLabel('Current password').fill('wrong-passw0rd');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByTestId('form-error')
      .getByText(/Current password/)
      .waitFor();
    await shot(page, 'profile-errors');
    await page.getByLabel('Current password').fill(DEMO_AGENT.password);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Your profile is saved.').first().waitFor();
    await expect.poll(() => page.getByLabel('New password').inputValue()).toBe('');
    await shot(page, 'profile');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have been signed out.').waitFor();
    await signIn(h, page, { email: DEMO_AGENT.email, password: 'n3w-passw0rd' });
    await page.getByTestId('current-user').getByText('Samantha Agent').waitFor();
    expect(h.cspViolations).toEqual([]);
  });

  it('says a schedule is closed for a holiday, by name', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    const sales = (await apiAs(page, 'GET', '/ring-groups?search=Sales')).body.data[0].id as string;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Auckland', dateStyle: 'short' }).format(new Date());
    const created = await apiAs(page, 'POST', '/business-hours', {
      name: 'Holiday desk',
      timezone: 'Pacific/Auckland',
      schedules: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ day_of_week: d, open_time: '00:00', close_time: '24:00' })),
      holidays: [{ date: today, name: 'Christmas' }],
      open_hours_routing: { type: 'ring_group', ring_group_id: sales },
      closed_hours_routing: { type: 'hangup' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await nav(page, 'Business hours').click();
    await page
      .getByRole('row', { name: /Holiday desk/ })
      .getByText('Closed — holiday: Christmas')
      .waitFor();
    await shot(page, 'business-hours-holiday');
  });
});
