/**
 * Forms that help (issue 14 item 4): simple rules checked in the browser before sending, every
 * error of a submit shown at once under plain labels with focus on the first, a warning before
 * leaving unsaved changes, a confirmation before closing the one-time SIP password, and a clear
 * message at once when the browser is offline. Each test signs in on its own.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_OWNER, type Harness, nav, shot, signIn, startHarness } from './support/browser.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The name attribute of the focused element. */
const focusedName = (page: Page) => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? null);

describe('forms', { timeout: 90_000 }, () => {
  it('checks simple rules in the browser, all at once, and sends nothing until they pass', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().endsWith('/api/v1/settings/cloudonix')) puts.push(r.url());
    });
    await nav(page, 'Cloudonix').click();
    await page.getByLabel('Domain name').fill('');
    await page.getByLabel('Webhook base URL').fill('pbx.example.com');
    await page.getByLabel('Requests key').fill('short');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('is required').waitFor();
    await page.getByText('must be an absolute http(s) URL').waitFor();
    await page.getByText('must be at least 24 characters').waitFor();
    await expect.poll(() => focusedName(page)).toBe('domain_name');
    expect(puts).toEqual([]);
    await shot(page, 'form-browser-checks');
    // Editing a field takes its message away.
    await page.getByLabel('Domain name').fill('demo.cloudonix.local');
    await page.getByText('is required').waitFor({ state: 'detached' });
  });

  it('lists the fields of a refused save by their labels and focuses the first', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await nav(page, 'Users').click();
    await page.getByRole('button', { name: 'Add user' }).click();
    const drawer = page.getByRole('dialog', { name: 'Add user' });
    await drawer.getByLabel('Email').fill('not-an-email');
    await drawer.getByRole('button', { name: 'Add user' }).click();
    const summary = drawer.getByTestId('form-error');
    await summary.getByText(/^Fields to change: /).waitFor();
    const text = (await summary.textContent()) ?? '';
    expect(text).toContain('Email');
    // Plain labels, never API paths.
    expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z0-9_]+\b/);
    await drawer.getByText('must be a valid email address').waitFor();
    const firstInvalid = await drawer.locator('[aria-invalid=true]').first().getAttribute('name');
    await expect.poll(() => focusedName(page)).toBe(firstInvalid);
    await shot(page, 'form-server-errors');
  });

  it('warns before leaving unsaved changes', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await nav(page, 'Settings').click();
    await page.getByLabel('Organization name').fill('Renamed, not saved');
    const prompts: string[] = [];
    page.once('dialog', (d) => {
      prompts.push(d.message());
      void d.dismiss();
    });
    await nav(page, 'Dashboard').click();
    await expect.poll(() => prompts.length).toBe(1);
    expect(prompts[0]).toMatch(/unsaved changes/);
    expect(new URL(page.url()).pathname).toBe('/settings');
    await expect(page.getByLabel('Organization name').inputValue()).resolves.toBe('Renamed, not saved');

    page.once('dialog', (d) => void d.accept());
    await nav(page, 'Dashboard').click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });

  it('asks before the one-time SIP password dialog is dismissed', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await nav(page, 'Extensions').click();
    await page.getByRole('button', { name: 'Add extension' }).click();
    const number = `6${String(Math.floor(Math.random() * 900) + 100)}`;
    const drawer = page.getByRole('dialog', { name: 'Add extension' });
    await drawer.getByLabel('Extension number').fill(number);
    await drawer.getByRole('button', { name: 'Add extension' }).click();
    const creds = page.getByRole('dialog', { name: `SIP credentials for ${number}` });
    await creds.waitFor();
    await page.keyboard.press('Escape');
    await creds.getByText('Close without saving the password?').waitFor();
    await shot(page, 'sip-close-confirm');
    await creds.getByRole('button', { name: 'Keep it open' }).click();
    await creds.getByTestId('sip-password').waitFor();
    await page.keyboard.press('Escape');
    await creds.getByRole('button', { name: 'Close without saving' }).click();
    await creds.waitFor({ state: 'hidden' });
  });

  it('says at once that a save cannot reach the server when offline', async () => {
    const { page, context } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await nav(page, 'Settings').click();
    await page.getByLabel('Organization name').fill('Offline Co');
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Save' }).click();
    // The offline message, not the request timeout's: the save failed before waiting on the network.
    await page.getByText("You're offline. Nothing was saved; reconnect and try again.").waitFor();
    await expect(page.getByRole('button', { name: 'Save' }).isEnabled()).resolves.toBe(true);
    await shot(page, 'form-offline');
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Organization settings saved.').waitFor();
    expect(h.cspViolations).toEqual([]);
  });
});
