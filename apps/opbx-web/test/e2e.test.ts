/**
 * The admin console in a real browser against the real server, started the README way:
 * headless Debian Chromium driven by playwright-core, a fresh database with the demo data,
 * and callsim playing Cloudonix for a live call. Every page's screenshot lands in
 * test-artifacts/screenshots/<page>.png.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { inboundCall, simulateCall } from '@opbx/callsim';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readConfig } from '../../opbx-server/src/config.js';
import { type RunningServer, startServer } from '../../opbx-server/src/server.js';
import { freshDatabaseUrl } from '../../opbx-server/test/support/context.js';

const DIST = fileURLToPath(new URL('../dist/index.html', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../../test-artifacts/screenshots/', import.meta.url));
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const OWNER = { email: 'demo@opbx.local', password: 'demo1234' };
const AGENT = { email: 'sam@opbx.local', password: 'demo1234' };
const REQUESTS_KEY = 'demo-requests-key-change-me';
const DOMAIN = 'demo.cloudonix.local';

let server: RunningServer;
let dropDatabase: () => Promise<void> = async () => undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
const pageErrors: string[] = [];
/** What the browser refused under the Content-Security-Policy, from any page. */
const cspViolations: string[] = [];

// Unique per run, so the test never depends on leftovers.
const suffix = String(Math.floor(Math.random() * 900) + 100);
const extensionNumber = `7${suffix}`;
const didNumber = `+1555${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
const callerNumber = `+1202${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
const groupName = `E2E Team ${suffix}`;

async function shot(name: string) {
  // From the top, so the sticky sidebar sits where a reader expects it in a full-page image.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true, animations: 'disabled' });
}

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => undefined;
  try {
    return await fn();
  } finally {
    console.log = log;
  }
}

async function signIn(who: { email: string; password: string }) {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

/** Requests the page made to an API path since `since` (ms epoch). */
function requestLog() {
  const seen: Array<{ url: string; at: number }> = [];
  page.on('request', (r) => seen.push({ url: r.url(), at: Date.now() }));
  return (path: string, since: number) => seen.filter((r) => r.at >= since && new URL(r.url).pathname === `/api/v1${path}`).length;
}

beforeAll(async () => {
  if (!existsSync(DIST)) {
    throw new Error('apps/opbx-web/dist is missing: build the web app first with `npm run build -w @opbx/web` (the root `npm test` does it).');
  }
  mkdirSync(SHOTS, { recursive: true });
  const db = await freshDatabaseUrl();
  dropDatabase = db.drop;
  const config = readConfig({
    PORT: '0',
    OPBX_WS_PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    OPBX_APP_KEY: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    // The PostgreSQL + Redis pass runs the browser suite over Redis too.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, OPBX_REDIS_PREFIX: `test:${randomBytes(4).toString('hex')}:` } : {}),
  });
  server = await quietly(() => startServer(config, { demo: true, signals: false }));
  expect(server.app.hasWebApp).toBe(true);
  // The server listens on 127.0.0.1 only; its banner URL says localhost.
  base = `http://127.0.0.1:${new URL(server.url).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: { width: 1366, height: 820 }, acceptDownloads: true });
  // Generous for a loaded CI machine; each wait still fails with the locator it was after.
  context.setDefaultTimeout(10_000);
  // Every refusal under the Content-Security-Policy fires this event in the page; Chromium also
  // logs it as a console error ("Refused to ... violates the following Content Security Policy").
  await context.exposeBinding('reportCspViolation', (_source, text: string) => void cspViolations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { reportCspViolation(t: string): Promise<void> }).reportCspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await dropDatabase();
});

describe('OPBX admin console in Chromium', { timeout: 45_000 }, () => {
  it('signs in and shows the dashboard, live over the WebSocket', async () => {
    const first = await page.goto(`${base}/`);
    // The app is served with its policy, and everything below (the WebSocket included) runs under it.
    expect(first?.headers()['content-security-policy']).toMatch(/script-src 'self'.*connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.getByRole('heading', { name: 'Sign in to OPBX' }).waitFor();
    await shot('login');

    // Wrong credentials are a 422, which the spec's interceptor leaves to the form: the message
    // shows and the page is not reloaded (a 401 would clear it and send the browser to /login).
    await signIn({ email: OWNER.email, password: 'wrong-password1' });
    await page.getByText('These credentials do not match our records.').waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe(OWNER.email);
    expect(new URL(page.url()).pathname).toBe('/login');

    await signIn(OWNER);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.locator('[data-testid=realtime-status][data-state=live]').waitFor();
    await page.getByTestId('stats').getByText('Active calls').waitFor();
    await page.getByText('No calls in progress').waitFor();
    await shot('dashboard');
    expect(cspViolations).toEqual([]);
  });

  it('creates an extension, showing server validation and the SIP password once', async () => {
    await nav('Extensions').click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.getByRole('row', { name: /101/ }).first().waitFor();
    await shot('extensions');

    await page.getByRole('button', { name: 'Add extension' }).click();
    const drawer = page.getByRole('dialog', { name: 'Add extension' });
    const number = drawer.getByLabel('Extension number');
    await number.fill('1');
    await drawer.getByRole('button', { name: 'Add extension' }).click();
    await drawer.getByText('must be a string of 2 to 8 digits').waitFor();
    await expect(number.getAttribute('aria-invalid')).resolves.toBe('true');

    // Editing the field takes its error away at once; the next save is judged afresh.
    await number.fill('101');
    await drawer.getByText('must be a string of 2 to 8 digits').waitFor({ state: 'detached' });
    await expect(number.getAttribute('aria-invalid')).resolves.not.toBe('true');
    await drawer.getByRole('button', { name: 'Add extension' }).click();
    await drawer.getByText('is already in use').waitFor();
    await shot('extension-form-errors');

    await number.fill(extensionNumber);
    await drawer.getByRole('button', { name: 'Add extension' }).click();
    const creds = page.getByRole('dialog', { name: `SIP credentials for ${extensionNumber}` });
    await creds.waitFor();
    const password = (await creds.getByTestId('sip-password').textContent())?.trim() ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    await shot('extension-credentials');
    await creds.getByRole('button', { name: 'I’ve saved the password' }).click();
    await creds.waitFor({ state: 'hidden' });

    await page.getByRole('link', { name: extensionNumber, exact: true }).waitFor();
    // Shown once: neither the list nor the extension page ever carries it again.
    expect(await page.content()).not.toContain(password);
    await page.getByRole('link', { name: extensionNumber, exact: true }).click();
    await page.getByRole('heading', { name: new RegExp(`Extension ${extensionNumber}`) }).waitFor();
    await page.getByText('Hidden. It is shown once, when created or reset.').waitFor();
    expect(await page.content()).not.toContain(password);
    await shot('extension-detail');
  });

  it('builds a ring group with ordered members, then refuses to delete a member in use', async () => {
    await nav('Ring groups').click();
    await page.getByRole('row', { name: /Sales/ }).waitFor();
    await shot('ring-groups');
    await page.getByRole('button', { name: 'New ring group' }).click();
    await page.getByRole('heading', { name: 'New ring group' }).waitFor();

    // Saving with no name and no members shows the server's errors next to the fields.
    await page.getByRole('button', { name: 'Create ring group' }).click();
    await page.getByText('must contain at least one member').waitFor();
    await page.getByText('is required').first().waitFor();

    await page.getByLabel('Name', { exact: true }).fill(groupName);
    await page.getByRole('radio', { name: /^In order/ }).check();
    await page.getByLabel('Ring timeout (seconds)').fill('20');
    const addMember = page.getByLabel('Add a member');
    await addMember.selectOption({ label: extensionNumber });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await addMember.selectOption({ label: '101 · Dana Demo' });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Move 101 · Dana Demo up' }).click();
    const members = page.getByTestId('members').getByRole('listitem');
    await expect.poll(() => members.allTextContents()).toEqual([expect.stringContaining('101 · Dana Demo'), expect.stringContaining(extensionNumber)]);
    await page.getByRole('radio', { name: /^Voicemail/ }).check();
    await shot('ring-group-editor');
    await page.getByRole('button', { name: 'Create ring group' }).click();
    await page.getByRole('link', { name: groupName }).waitFor();
    await page.getByText(`Created ring group ${groupName}.`).waitFor();

    await nav('Extensions').click();
    await page.getByRole('button', { name: `Delete extension ${extensionNumber}` }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByText("Can't delete: still in use").waitFor();
    await confirm.getByText(`Member of ring group "${groupName}"`).waitFor();
    await shot('delete-conflict');
    await confirm.getByRole('button', { name: 'Close' }).click();
    await confirm.waitFor({ state: 'hidden' });
  });

  it('adds a phone number routed to the ring group', async () => {
    await nav('Phone numbers').click();
    await page.getByRole('row', { name: /Main line/ }).waitFor();
    await page.getByRole('button', { name: 'Add number' }).click();
    const drawer = page.getByRole('dialog', { name: 'Add phone number' });
    await drawer.getByLabel('Phone number').fill(didNumber);
    await drawer.getByLabel('Name').fill('E2E line');
    await drawer.getByRole('radio', { name: /^Ring group/ }).check();
    // The target picker follows the routing type; saving without a target is refused next to it.
    await drawer.getByRole('button', { name: 'Add number' }).click();
    await drawer.getByText('is required when routing_type is ring_group').waitFor();
    await drawer.getByRole('combobox', { name: 'Ring group' }).selectOption({ label: `${groupName} (2 members)` });
    await shot('phone-number-form');
    await drawer.getByRole('button', { name: 'Add number' }).click();
    await drawer.waitFor({ state: 'hidden' });
    await page.getByRole('row', { name: new RegExp(`E2E line.*Ring group ${groupName}`) }).waitFor();
    await shot('phone-numbers');
  });

  it('shows a callsim call live on the dashboard while it rings, from events alone', async () => {
    const requests = requestLog();
    await nav('Dashboard').click();
    await page.locator('[data-testid=realtime-status][data-state=live]').waitFor();
    await page.getByText('No calls in progress').waitFor();
    const since = Date.now();

    const call = simulateCall({
      baseUrl: base,
      requestsKey: REQUESTS_KEY,
      domain: DOMAIN,
      ...inboundCall(didNumber, callerNumber),
      // The member answers after 4 s and talks for 3 s, in real time, so the call is seen ringing.
      scenario: { defaultTarget: { outcome: 'answer', after: 4, talk: 3 } },
      realtime: true,
      rewriteOrigin: true,
    });

    const row = page.getByTestId('live-call').filter({ hasText: '+1 202' });
    await row.waitFor({ timeout: 4000 });
    await expect(row.getAttribute('data-status')).resolves.toMatch(/initiated|ringing/);
    await row.getByText(groupName).waitFor();
    await shot('dashboard-live-call');

    const transcript = await call;
    expect(transcript.errors).toEqual([]);
    expect(transcript.outcome.answered).toBe(true);
    await page.getByText('No calls in progress').waitFor();
    await page.getByTestId('recent-calls').getByText('+1 202').first().waitFor();
    // While the socket is live the panel never polls: the call arrived and left as events.
    expect(requests('/dashboard/live-calls', since)).toBe(0);
    await shot('dashboard-after-call');
  });

  it('finds the call in the call logs, shows its details and exports the filtered CSV', async () => {
    await nav('Call logs').click();
    await page.getByRole('heading', { name: 'Call logs' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: '+1 202' });
    await row.getByText('Completed').waitFor();
    await page.getByLabel('Search by phone number').fill(callerNumber);
    await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe(callerNumber);
    await page.getByLabel('Status').selectOption('completed');
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await shot('call-logs');

    await row.getByRole('button', { name: /Details of the call/ }).click();
    const drawer = page.getByRole('dialog', { name: /Call from \+1 202/ });
    await drawer.getByTestId('call-detail').getByText(groupName).waitFor();
    await drawer.getByText('Raw call record (CDR)').waitFor();
    await shot('call-log-detail');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^call-logs-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toContain('from_number');
    // The export honours the filters: exactly this call.
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(callerNumber);
    expect(lines[1]).toContain('completed');
    await page.getByText(/Exported 1 call to call-logs-/).waitFor();
  });

  it('shows the remaining pages', async () => {
    await nav('Business hours').click();
    await page
      .getByRole('row', { name: /Office hours/ })
      .getByTestId('open-status')
      .waitFor();
    await shot('business-hours');
    await page.getByRole('link', { name: 'Office hours' }).click();
    await page.getByTestId('weekly-schedule').waitFor();
    await page.getByLabel('Time zone').waitFor();
    await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('America/New_York');
    await shot('business-hours-editor');

    await nav('Users').click();
    await page.getByRole('row', { name: /Sam Agent/ }).waitFor();
    await shot('users');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('dialog', { name: 'Add user' }).getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('dialog', { name: 'Add user' }).getByText('must be a valid email address').waitFor();
    await shot('user-form-errors');
    await page.keyboard.press('Escape');

    await nav('Settings').click();
    await page.getByLabel('Organization name').waitFor();
    await shot('settings');
  });

  it('deletes from a list and from a record’s page, filters a list to nothing and back', async () => {
    // Two spare extensions, made through the API as another admin tab would.
    const token = await page.evaluate(() => localStorage.getItem('opbx_auth_token'));
    const spare = async (n: string) => {
      const res = await fetch(`${base}/api/v1/extensions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ extension_number: n, type: 'virtual' }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const [listed, opened] = [`8${suffix}1`, `8${suffix}2`];
    await spare(listed);
    const openedId = await spare(opened);

    await nav('Extensions').click();
    await page.getByLabel('Search extensions').fill(listed);
    await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe(listed);
    await page.getByRole('button', { name: `Delete extension ${listed}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Delete extension ${listed}?` });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText(`Extension ${listed} deleted.`).waitFor();
    await confirm.waitFor({ state: 'hidden' });
    await page.getByText('No extensions match these filters').waitFor();
    await shot('extensions-no-match');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('link', { name: opened, exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('search')).toBeNull();
    await expect(page.getByRole('link', { name: listed, exact: true }).count()).resolves.toBe(0);

    await page.getByRole('button', { name: `Open extension ${opened}` }).click();
    await page.getByRole('heading', { name: new RegExp(`Extension ${opened}`) }).waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page
      .getByRole('alertdialog', { name: `Delete extension ${opened}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByText(`Extension ${opened} deleted.`).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/extensions');

    await page.goto(`${base}/extensions/${openedId}`);
    await page.getByText("This extension doesn't exist").waitFor();
    await page.getByRole('link', { name: 'Extensions' }).first().waitFor();
    await shot('extension-missing');
  });

  it('lets an agent see only what agents may see and edit only their own forwarding', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have been signed out.').waitFor();
    await signIn(AGENT);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expect(nav('Users').count()).resolves.toBe(0);
    await page.getByTestId('current-user').getByText('Sam Agent').waitFor();
    await shot('agent-dashboard');

    await page.goto(`${base}/users`);
    await page.getByText("You don't have access to this page").waitFor();

    await nav('Call logs').click();
    await page.getByRole('heading', { name: 'Call logs' }).waitFor();
    await page.getByText('Calls of your extension.').waitFor();
    await expect(page.getByText('+1 202').count()).resolves.toBe(0);
    await expect(page.getByLabel('Extension').count()).resolves.toBe(0);

    await nav('Extensions').click();
    await page.getByRole('link', { name: '101', exact: true }).waitFor();
    await expect(page.getByRole('button', { name: 'Add extension' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /^Delete extension/ }).count()).resolves.toBe(0);
    await shot('agent-extensions');

    await page.getByRole('link', { name: '101', exact: true }).click();
    await page.getByText('Read only: only the extension’s user or an admin can change this.').waitFor();
    await expect(page.getByLabel('Forward calls').isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('heading', { name: 'Voicemail', exact: true }).count()).resolves.toBe(0);

    await nav('My extension').click();
    await page.getByRole('heading', { name: /Extension 103/ }).waitFor();
    await page.getByLabel('Forward calls').check();
    await page.getByLabel('Forward to').fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('must be an extension number of this organization or an E.164 number').waitFor();
    await page.getByLabel('Forward to').fill('101');
    await page.getByRole('radio', { name: /^When unanswered/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Forwarding and voicemail saved.').waitFor();
    await page.getByRole('heading', { name: 'Voicemail', exact: true }).waitFor();
    await expect(page.getByRole('button', { name: 'Reset password' }).count()).resolves.toBe(0);
    await shot('agent-my-extension');
  });

  it('returns to sign-in when the session ends, then back to the page the user was on', async () => {
    await nav('Extensions').click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    // Revoke the token server-side, as an expiry or a sign-out elsewhere would.
    const token = await page.evaluate(() => localStorage.getItem('opbx_auth_token'));
    const res = await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);

    // The next request the app makes meets the 401: usually the page we open now, but the app may
    // notice on its own first (a background refetch), while still on Extensions. Either way it must
    // send the user to sign-in and bring them back to where they were.
    await nav('Ring groups')
      .click({ timeout: 3000 })
      .catch(() => undefined);
    await page.getByText('Your session expired. Sign in again to continue where you left off.').waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/login');
    const next = url.searchParams.get('next');
    expect(['/ring-groups', '/extensions']).toContain(next);
    await shot('session-expired');

    await signIn(AGENT);
    await page.getByRole('heading', { name: next === '/ring-groups' ? 'Ring groups' : 'Extensions', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(next);
    if (next === '/ring-groups') await page.getByRole('link', { name: groupName }).waitFor();
  });

  it('falls back to polling the live calls when the WebSocket is gone', async () => {
    const requests = requestLog();
    await nav('Dashboard').click();
    await page.locator('[data-testid=realtime-status][data-state=live]').waitFor();
    await server.app.realtime.pusher.close();
    await page.locator('[data-testid=realtime-status]:not([data-state=live])').waitFor();
    const since = Date.now();
    await expect.poll(() => requests('/dashboard/live-calls', since), { timeout: 8000, interval: 250 }).toBeGreaterThanOrEqual(1);
    await shot('dashboard-offline');
    expect(pageErrors).toEqual([]);
  });

  it('no page violated the Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});
