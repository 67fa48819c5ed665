/**
 * `npm run screenshots`: every page of the console at 1440 px and at 390 px, as an owner and as
 * an agent, into ./screenshots (not committed), so a reviewer can look at the whole app in a
 * minute. Runs the real server on a fresh database with the demo data and Debian's Chromium, as
 * the browser tests do.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Page } from 'playwright-core';

import { DEMO_AGENT, DEMO_OWNER, type Harness, startHarness } from '../apps/opbx-web/test/support/browser.js';

const OUT = fileURLToPath(new URL('../screenshots/', import.meta.url));
const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

async function api(h: Harness, page: Page, path: string): Promise<any> {
  const token = await page.evaluate(() => localStorage.getItem('opbx_auth_token'));
  const res = await fetch(`${h.base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return res.json();
}

async function capture(page: Page, dir: string, name: string, ready: () => Promise<unknown>) {
  await ready();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true, animations: 'disabled' });
  console.log(`  ${name}`);
}

async function signIn(h: Harness, page: Page, who: { email: string; password: string }) {
  await page.goto(`${h.base}/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

async function main() {
  const h = await startHarness();
  try {
    for (const { name, viewport } of VIEWPORTS) {
      const dir = join(OUT, name);
      mkdirSync(dir, { recursive: true });
      console.log(`${name} (${viewport.width} px) → ${dir}`);
      const { page } = await h.open({ viewport, timezoneId: 'America/New_York' });
      const h1 = (text: string | RegExp) => () => page.getByRole('heading', { name: text, level: 1 }).waitFor();
      const open = async (shot: string, path: string, heading: string | RegExp) => {
        await page.goto(`${h.base}${path}`);
        await capture(page, dir, shot, h1(heading));
      };

      await page.goto(`${h.base}/login`);
      await capture(page, dir, '01-login', () => page.getByRole('heading', { name: 'Sign in to OPBX' }).waitFor());
      await signIn(h, page, DEMO_OWNER);
      const ext = (await api(h, page, '/extensions?search=101')).data[0].id as string;
      const group = (await api(h, page, '/ring-groups?search=Sales')).data[0].id as string;
      const hours = (await api(h, page, '/business-hours')).data[0].id as string;

      await open('02-dashboard', '/', 'Dashboard');
      await open('03-call-logs', '/call-logs', 'Call logs');
      await open('04-extensions', '/extensions', 'Extensions');
      await open('05-extension', `/extensions/${ext}`, /Extension 101/);
      await open('06-phone-numbers', '/phone-numbers', 'Phone numbers');
      await open('07-ring-groups', '/ring-groups', 'Ring groups');
      await open('08-ring-group', `/ring-groups/${group}`, /Sales/);
      await open('09-ring-group-new', '/ring-groups/new', 'New ring group');
      await open('10-business-hours', '/business-hours', 'Business hours');
      await open('11-business-hours-editor', `/business-hours/${hours}`, /Office hours/);
      await open('12-users', '/users', 'Users');
      await open('13-settings', '/settings', 'Settings');
      await open('14-cloudonix', '/cloudonix', 'Cloudonix');
      await page.goto(`${h.base}/call-path`);
      await page.getByLabel('Calling').fill('+15550100001');
      await page.getByRole('button', { name: 'Trace the call' }).click();
      await capture(page, dir, '15-call-path', () => page.getByTestId('call-path-summary').waitFor());
      await open('16-profile', '/profile', 'Your profile');
      await page.goto(`${h.base}/extensions`);
      await page.getByRole('button', { name: 'Add extension' }).click();
      await capture(page, dir, '17-extension-drawer', () => page.getByRole('dialog', { name: 'Add extension' }).waitFor());
      if (name === 'phone') {
        await page.goto(`${h.base}/`);
        await page.getByRole('button', { name: 'Open menu' }).click();
        await capture(page, dir, '18-menu', () => page.getByRole('dialog', { name: 'Menu' }).waitFor());
      }

      await page.evaluate(() => localStorage.clear());
      await signIn(h, page, DEMO_AGENT);
      await open('20-agent-dashboard', '/', 'Dashboard');
      await open('21-agent-call-logs', '/call-logs', 'Call logs');
      const own = (await api(h, page, '/auth/me')).extension?.id as string | undefined;
      if (own) await open('22-agent-my-extension', `/extensions/${own}`, /Extension/);
      await open('23-agent-profile', '/profile', 'Your profile');
      await page.context().close();
    }
    console.log(`Screenshots written to ${OUT}`);
  } finally {
    await h.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
