/**
 * The admin console in a real browser against the real server, started the README way:
 * headless Debian Chromium driven by playwright-core, a fresh database with the demo data,
 * and callsim playing Cloudonix for a live call. Every page's screenshot lands in
 * test-artifacts/screenshots/<page>.png.
 *
 * Each test opens its own browser context, signs in on its own and makes the records it needs
 * through the API, so any one runs alone with `-t`.
 */
import { readFileSync } from 'node:fs';

import { inboundCall, simulateCall } from '@opbx/callsim';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { api, apiToken, DEMO_AGENT, DEMO_DOMAIN, DEMO_OWNER, DEMO_REQUESTS_KEY, type Harness, nav, shot, signIn, startHarness } from './support/browser.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  expect(h.server.app.hasWebApp).toBe(true);
});

afterAll(async () => {
  await h?.close();
});

// Each test's pages close when it ends, so no idle page keeps polling or holding a socket while the next runs.
const contexts: BrowserContext[] = [];
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

/** A new page in a context of its own (own storage, so signed out). */
async function newPage(): Promise<Page> {
  const { context, page } = await h.open();
  contexts.push(context);
  return page;
}

// Numbers and names no other test of the run uses: a random start, then a counter.
let serial = Math.floor(Math.random() * 700) + 100;
const fresh = () => String(++serial);
const freshExtension = (prefix: string) => `${prefix}${fresh()}`;
const freshPhone = (area: string) => `+1${area}${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}${fresh()}`;

/** How the console writes a number of the (US) demo organization's own country: +12025550123 → "(202) 555-0123". */
const formatted = (e164: string) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;

/** Fills and submits the sign-in form of the page as it stands (the helper `signIn` opens /login first). */
async function submitSignIn(page: Page, who: { email: string; password: string }) {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A new page signed in as `who`, on the dashboard. */
async function signedIn(who: { email: string; password: string }): Promise<Page> {
  const page = await newPage();
  await signIn(h, page, who);
  return page;
}

/** Requests the page made to an API path since `since` (ms epoch). */
function requestLog(page: Page) {
  const seen: Array<{ url: string; at: number }> = [];
  page.on('request', (r) => seen.push({ url: r.url(), at: Date.now() }));
  return (path: string, since: number) => seen.filter((r) => r.at >= since && new URL(r.url).pathname === `/api/v1${path}`).length;
}

// ---- records made through the API, as another admin would ------------------------------------------------

async function createExtension(token: string, extensionNumber: string): Promise<string> {
  const res = await api(h, token, 'POST', '/extensions', { extension_number: extensionNumber, type: 'user' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function extensionId(token: string, extensionNumber: string): Promise<string> {
  const res = await api(h, token, 'GET', `/extensions?search=${extensionNumber}`);
  const found = (res.body.data as Array<{ id: string; extension_number: string }>).find((e) => e.extension_number === extensionNumber);
  expect(found, `extension ${extensionNumber}`).toBeDefined();
  return found!.id;
}

/** A ring group ringing the demo's 101 (Dana Demo), then a new extension of its own, in order. */
async function createTeam(token: string): Promise<{ groupName: string; groupId: string; extensionNumber: string }> {
  const extensionNumber = freshExtension('7');
  const members = [await extensionId(token, '101'), await createExtension(token, extensionNumber)];
  const groupName = `E2E Team ${fresh()}`;
  const res = await api(h, token, 'POST', '/ring-groups', {
    name: groupName,
    strategy: 'sequential',
    timeout: 20,
    members: members.map((extension_id, i) => ({ extension_id, priority: i + 1 })),
  });
  expect(res.status).toBe(201);
  return { groupName, groupId: res.body.id as string, extensionNumber };
}

/** A new phone number routed to a new team (createTeam). */
async function createLineToTeam(token: string): Promise<{ groupName: string; didNumber: string }> {
  const { groupName, groupId } = await createTeam(token);
  const didNumber = freshPhone('555');
  const res = await api(h, token, 'POST', '/dids', { phone_number: didNumber, routing_type: 'ring_group', routing_config: { ring_group_id: groupId } });
  expect(res.status).toBe(201);
  return { groupName, didNumber };
}

/** A finished call to `didNumber`, answered by the first member after a second; its call log is written. */
async function answeredCall(didNumber: string, callerNumber: string) {
  const transcript = await simulateCall({
    baseUrl: h.base,
    requestsKey: DEMO_REQUESTS_KEY,
    domain: DEMO_DOMAIN,
    ...inboundCall(didNumber, callerNumber),
    scenario: { defaultTarget: { outcome: 'answer', after: 1, talk: 2 } },
  });
  expect(transcript.errors).toEqual([]);
  expect(transcript.outcome.answered).toBe(true);
  await h.server.app.voice.journal.flush();
}

describe('OPBX admin console in Chromium', { timeout: 45_000 }, () => {
  it('signs in and shows the dashboard, live over the WebSocket', async () => {
    const page = await newPage();
    const first = await page.goto(`${h.base}/`);
    // The app is served with its policy, and everything below (the WebSocket included) runs under it.
    expect(first?.headers()['content-security-policy']).toMatch(/script-src 'self'.*connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.getByRole('heading', { name: 'Sign in to OPBX' }).waitFor();
    await shot(page, 'login');

    // Wrong credentials are a 422, which the spec's interceptor leaves to the form: the message
    // shows and the page is not reloaded (a 401 would clear it and send the browser to /login).
    await submitSignIn(page, { email: DEMO_OWNER.email, password: 'wrong-password1' });
    await page.getByText('These credentials do not match our records.').waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe(DEMO_OWNER.email);
    expect(new URL(page.url()).pathname).toBe('/login');

    await submitSignIn(page, DEMO_OWNER);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.locator('[data-testid=realtime-status][data-state=live]').waitFor();
    await page.getByTestId('stats').getByText('Active calls').waitFor();
    await page.getByText('No calls in progress').waitFor();
    await shot(page, 'dashboard');
    expect(h.cspViolations).toEqual([]);
  });

  it('creates an extension, showing server validation and the SIP password once', async () => {
    const page = await signedIn(DEMO_OWNER);
    const extensionNumber = freshExtension('7');
    await nav(page, 'Extensions').click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.getByRole('row', { name: /101/ }).first().waitFor();
    await shot(page, 'extensions');

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
    await shot(page, 'extension-form-errors');

    await number.fill(extensionNumber);
    await drawer.getByRole('button', { name: 'Add extension' }).click();
    const creds = page.getByRole('dialog', { name: `SIP credentials for ${extensionNumber}` });
    await creds.waitFor();
    const password = (await creds.getByTestId('sip-password').textContent())?.trim() ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    await shot(page, 'extension-credentials');
    await creds.getByRole('button', { name: 'I’ve saved the password' }).click();
    await creds.waitFor({ state: 'hidden' });

    await page.getByRole('link', { name: extensionNumber, exact: true }).waitFor();
    // Shown once: neither the list nor the extension page ever carries it again.
    expect(await page.content()).not.toContain(password);
    await page.getByRole('link', { name: extensionNumber, exact: true }).click();
    await page.getByRole('heading', { name: new RegExp(`Extension ${extensionNumber}`) }).waitFor();
    await page.getByText('Hidden. It is shown once, when created or reset.').waitFor();
    expect(await page.content()).not.toContain(password);
    await shot(page, 'extension-detail');
  });

  it('builds a ring group with ordered members, then refuses to delete a member in use', async () => {
    const page = await signedIn(DEMO_OWNER);
    const extensionNumber = freshExtension('7');
    await createExtension(await apiToken(h, DEMO_OWNER), extensionNumber);
    const groupName = `E2E Team ${fresh()}`;

    await nav(page, 'Ring groups').click();
    await page.getByRole('row', { name: /Sales/ }).waitFor();
    await shot(page, 'ring-groups');
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
    await shot(page, 'ring-group-editor');
    await page.getByRole('button', { name: 'Create ring group' }).click();
    await page.getByRole('link', { name: groupName }).waitFor();
    await page.getByText(`Created ring group ${groupName}.`).waitFor();

    await nav(page, 'Extensions').click();
    await page.getByRole('button', { name: `Delete extension ${extensionNumber}` }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByText("Can't delete: still in use").waitFor();
    await confirm.getByText(`Member of ring group "${groupName}"`).waitFor();
    await shot(page, 'delete-conflict');
    await confirm.getByRole('button', { name: 'Close' }).click();
    await confirm.waitFor({ state: 'hidden' });
  });

  it('adds a phone number routed to the ring group', async () => {
    const page = await signedIn(DEMO_OWNER);
    const { groupName } = await createTeam(await apiToken(h, DEMO_OWNER));
    const didNumber = freshPhone('555');

    await nav(page, 'Phone numbers').click();
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
    await shot(page, 'phone-number-form');
    await drawer.getByRole('button', { name: 'Add number' }).click();
    await drawer.waitFor({ state: 'hidden' });
    await page.getByRole('row', { name: new RegExp(`E2E line.*Ring group ${groupName}`) }).waitFor();
    await shot(page, 'phone-numbers');
  });

  it('shows a callsim call live on the dashboard while it rings, from events alone', async () => {
    const page = await signedIn(DEMO_OWNER);
    const { groupName, didNumber } = await createLineToTeam(await apiToken(h, DEMO_OWNER));
    const callerNumber = freshPhone('202');

    const requests = requestLog(page);
    await nav(page, 'Dashboard').click();
    await page.locator('[data-testid=realtime-status][data-state=live]').waitFor();
    await page.getByText('No calls in progress').waitFor();
    const since = Date.now();

    const call = simulateCall({
      baseUrl: h.base,
      requestsKey: DEMO_REQUESTS_KEY,
      domain: DEMO_DOMAIN,
      ...inboundCall(didNumber, callerNumber),
      // The member answers after 4 s and talks for 3 s, in real time, so the call is seen ringing.
      scenario: { defaultTarget: { outcome: 'answer', after: 4, talk: 3 } },
      realtime: true,
      rewriteOrigin: true,
    });

    const row = page.getByTestId('live-call').filter({ hasText: '(202)' });
    await row.waitFor({ timeout: 4000 });
    await expect(row.getAttribute('data-status')).resolves.toMatch(/initiated|ringing/);
    await row.getByText(groupName).waitFor();
    await shot(page, 'dashboard-live-call');

    const transcript = await call;
    expect(transcript.errors).toEqual([]);
    expect(transcript.outcome.answered).toBe(true);
    await page.getByText('No calls in progress').waitFor();
    await page.getByTestId('recent-calls').getByText('(202)').first().waitFor();
    // While the socket is live the panel never polls: the call arrived and left as events.
    expect(requests('/dashboard/live-calls', since)).toBe(0);
    await shot(page, 'dashboard-after-call');
  });

  it('finds the call in the call logs, shows its details and exports the filtered CSV', async () => {
    const page = await signedIn(DEMO_OWNER);
    const { groupName, didNumber } = await createLineToTeam(await apiToken(h, DEMO_OWNER));
    const callerNumber = freshPhone('202');
    await answeredCall(didNumber, callerNumber);

    await nav(page, 'Call logs').click();
    await page.getByRole('heading', { name: 'Call logs' }).waitFor();
    // This call's row: other tests' calls come from (202) numbers too.
    const row = page
      .getByRole('row')
      .filter({ hasText: '(202)' })
      .filter({ hasText: formatted(callerNumber) });
    await row.getByText('Completed').waitFor();
    await page.getByLabel('Search by phone number').fill(callerNumber);
    await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe(callerNumber);
    await page.getByLabel('Status').selectOption('completed');
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await shot(page, 'call-logs');

    await row.getByRole('button', { name: /Details of the call/ }).click();
    const drawer = page.getByRole('dialog', { name: /Call from \(202\)/ });
    await drawer.getByTestId('call-detail').getByText(groupName).waitFor();
    await drawer.getByText('Raw call record (CDR)').waitFor();
    await shot(page, 'call-log-detail');
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
    const page = await signedIn(DEMO_OWNER);
    await nav(page, 'Business hours').click();
    await page
      .getByRole('row', { name: /Office hours/ })
      .getByTestId('open-status')
      .waitFor();
    await shot(page, 'business-hours');
    await page.getByRole('link', { name: 'Office hours' }).click();
    await page.getByTestId('weekly-schedule').waitFor();
    await page.getByLabel('Time zone').waitFor();
    await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('America/New_York');
    await shot(page, 'business-hours-editor');

    await nav(page, 'Users').click();
    await page.getByRole('row', { name: /Sam Agent/ }).waitFor();
    await shot(page, 'users');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('dialog', { name: 'Add user' }).getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('dialog', { name: 'Add user' }).getByText('must be a valid email address').waitFor();
    await shot(page, 'user-form-errors');
    await page.keyboard.press('Escape');

    await nav(page, 'Settings').click();
    await page.getByLabel('Organization name').waitFor();
    await shot(page, 'settings');
  });

  it('deletes from a list and from a record’s page, filters a list to nothing and back', async () => {
    const page = await signedIn(DEMO_OWNER);
    // Two spare extensions, made through the API as another admin tab would.
    const token = await page.evaluate(() => localStorage.getItem('opbx_auth_token'));
    const spare = async (n: string) => {
      const res = await fetch(`${h.base}/api/v1/extensions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ extension_number: n, type: 'virtual' }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const [listed, opened] = [freshExtension('8'), freshExtension('8')];
    await spare(listed);
    const openedId = await spare(opened);

    await nav(page, 'Extensions').click();
    await page.getByLabel('Search extensions').fill(listed);
    await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe(listed);
    await page.getByRole('button', { name: `Delete extension ${listed}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Delete extension ${listed}?` });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText(`Extension ${listed} deleted.`).waitFor();
    await confirm.waitFor({ state: 'hidden' });
    await page.getByText('No extensions match these filters').waitFor();
    await shot(page, 'extensions-no-match');
    // The unfiltered list was read before the delete and shows from the cache while it is read
    // again (held back here, as on a slow network): the deleted row must already be gone from that copy.
    const slowList = async (route: Route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    };
    await page.route(/\/api\/v1\/extensions\?/, slowList);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('link', { name: opened, exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('search')).toBeNull();
    await expect(page.getByRole('link', { name: listed, exact: true }).count()).resolves.toBe(0);
    await page.unroute(/\/api\/v1\/extensions\?/, slowList);

    await page.getByRole('button', { name: `Open extension ${opened}` }).click();
    await page.getByRole('heading', { name: new RegExp(`Extension ${opened}`) }).waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page
      .getByRole('alertdialog', { name: `Delete extension ${opened}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByText(`Extension ${opened} deleted.`).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/extensions');

    await page.goto(`${h.base}/extensions/${openedId}`);
    await page.getByText("This extension doesn't exist").waitFor();
    await page.getByRole('link', { name: 'Extensions' }).first().waitFor();
    await shot(page, 'extension-missing');
  });

  it('lets an agent see only what agents may see and edit only their own forwarding', async () => {
    // A call the agent had no part in: it rang 101 and another extension, never the agent's 103.
    const { didNumber } = await createLineToTeam(await apiToken(h, DEMO_OWNER));
    await answeredCall(didNumber, freshPhone('202'));

    const page = await signedIn(DEMO_OWNER);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have been signed out.').waitFor();
    await submitSignIn(page, DEMO_AGENT);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expect(nav(page, 'Users').count()).resolves.toBe(0);
    await page.getByTestId('current-user').getByText('Sam Agent').waitFor();
    await shot(page, 'agent-dashboard');

    await page.goto(`${h.base}/users`);
    await page.getByText("You don't have access to this page").waitFor();

    await nav(page, 'Call logs').click();
    await page.getByRole('heading', { name: 'Call logs' }).waitFor();
    await page.getByText('Calls of your extension.').waitFor();
    await expect(page.getByText('(202)').count()).resolves.toBe(0);
    await expect(page.getByLabel('Extension').count()).resolves.toBe(0);

    await nav(page, 'Extensions').click();
    await page.getByRole('link', { name: '101', exact: true }).waitFor();
    await expect(page.getByRole('button', { name: 'Add extension' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /^Delete extension/ }).count()).resolves.toBe(0);
    await shot(page, 'agent-extensions');

    await page.getByRole('link', { name: '101', exact: true }).click();
    await page.getByText('Read only: only the extension’s user or an admin can change this.').waitFor();
    await expect(page.getByLabel('Forward calls').isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('heading', { name: 'Voicemail', exact: true }).count()).resolves.toBe(0);

    await nav(page, 'My extension').click();
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
    await shot(page, 'agent-my-extension');
  });

  it('returns to sign-in when the session ends, then back to the page the user was on', async () => {
    const { groupName } = await createTeam(await apiToken(h, DEMO_OWNER));
    const page = await signedIn(DEMO_AGENT);
    await nav(page, 'Extensions').click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    // Revoke the token server-side, as an expiry or a sign-out elsewhere would.
    const token = await page.evaluate(() => localStorage.getItem('opbx_auth_token'));
    const res = await fetch(`${h.base}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);

    // The next request the app makes meets the 401: usually the page we open now, but the app may
    // notice on its own first (a background refetch), while still on Extensions. Either way it must
    // send the user to sign-in and bring them back to where they were.
    await nav(page, 'Ring groups')
      .click({ timeout: 3000 })
      .catch(() => undefined);
    await page.getByText('Your session expired. Sign in again to continue where you left off.').waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/login');
    const next = url.searchParams.get('next');
    expect(['/ring-groups', '/extensions']).toContain(next);
    await shot(page, 'session-expired');

    await submitSignIn(page, DEMO_AGENT);
    await page.getByRole('heading', { name: next === '/ring-groups' ? 'Ring groups' : 'Extensions', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(next);
    if (next === '/ring-groups') await page.getByRole('link', { name: groupName }).waitFor();
  });

  it('falls back to polling the live calls when the WebSocket is gone', async () => {
    // Closing the WebSocket server ends live updates for every page of a server: this test has one of its own.
    const own = await startHarness();
    try {
      const { page } = await own.open();
      await signIn(own, page, DEMO_OWNER);
      const requests = requestLog(page);
      await nav(page, 'Dashboard').click();
      await page.locator('[data-testid=realtime-status][data-state=live]').waitFor();
      await own.server.app.realtime.pusher.close();
      await page.locator('[data-testid=realtime-status]:not([data-state=live])').waitFor();
      const since = Date.now();
      await expect.poll(() => requests('/dashboard/live-calls', since), { timeout: 8000, interval: 250 }).toBeGreaterThanOrEqual(1);
      await shot(page, 'dashboard-offline');
      expect(own.pageErrors).toEqual([]);
      expect(own.cspViolations).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it('no page threw or violated the Content-Security-Policy', () => {
    expect(h.pageErrors).toEqual([]);
    expect(h.cspViolations).toEqual([]);
  });
});
