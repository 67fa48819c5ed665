/**
 * Going live from the browser (issue 14 item 1): a new organization made with the CLI connects
 * Cloudonix, adds an extension and a number, traces the call path and takes a test call through
 * callsim, using only the console; the call-path tester on the demo organization; the default
 * caller ID picked from the organization's own numbers. Each test signs in on its own.
 */
import { inboundCall, simulateCall } from '@opbx/callsim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { opbx } from '../../opbx-server/test/support/cli.js';
import { DEMO_OWNER, type Harness, nav, shot, signIn, startHarness } from './support/browser.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const rand = (digits: number) => String(Math.floor(Math.random() * 10 ** digits)).padStart(digits, '0');

describe('going live from the browser', { timeout: 120_000 }, () => {
  it('takes a new organization from CLI sign-up to an answered test call using only the browser', async () => {
    const email = `owner-${rand(8)}@golive.example`;
    const password = 'golive-passw0rd';
    const created = await opbx(
      [
        'create-org',
        '--name',
        'Go Live Inc',
        '--owner-email',
        email,
        '--owner-password',
        password,
        '--owner-name',
        'Gale Owner',
        '--timezone',
        'America/New_York',
      ],
      { DATABASE_URL: h.databaseUrl, OPBX_APP_KEY: h.appKey, LOG_LEVEL: 'warn' },
    );
    expect(created.code, created.stderr).toBe(0);

    const { page } = await h.open();
    await signIn(h, page, { email, password });
    const checklist = page.getByTestId('onboarding');
    await checklist.locator('[data-step=cloudonix][data-done=false]').waitFor();
    await checklist.locator('[data-step=call][data-done=false]').waitFor();
    await shot(page, 'onboarding-new-org');

    // 1. Connect Cloudonix: the key is generated, shown once, and only its last four stay visible.
    await checklist.getByRole('link', { name: 'Connect' }).click();
    await page.getByRole('heading', { name: 'Cloudonix', level: 1 }).waitFor();
    const domain = `golive${rand(6)}.cloudonix.net`;
    await page.getByLabel('Domain UUID').fill(`uuid-${rand(8)}`);
    await page.getByLabel('Domain name').fill(domain);
    await expect(page.getByLabel('Webhook base URL').inputValue()).resolves.toBe(h.base);
    await page.getByRole('button', { name: 'Connect Cloudonix' }).click();
    const key = ((await page.getByTestId('generated-key').textContent()) ?? '').trim();
    expect(key.length).toBeGreaterThanOrEqual(24);
    await page.getByText(`Set, ending in ${key.slice(-4)}. Leave blank to keep it.`).waitFor();
    await page.getByText(`${h.base}/api/voice/route`).waitFor();
    await page.getByText(`${h.base}/api/webhooks/cloudonix/cdr`).waitFor();
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    const verified = page.getByTestId('verify-result');
    await verified.locator('[data-check=reachable][data-status=ok]').waitFor();
    await verified.locator('[data-check=numbers][data-status=warning]').waitFor();
    await shot(page, 'cloudonix');
    // Shown once: a reload shows the last four characters and never the key.
    await page.reload();
    await page.getByText(`Set, ending in ${key.slice(-4)}.`, { exact: false }).waitFor();
    expect(await page.content()).not.toContain(key);

    // 2. An extension to ring.
    await nav(page, 'Extensions').click();
    await page.getByRole('button', { name: 'Add extension' }).click();
    const drawer = page.getByRole('dialog', { name: 'Add extension' });
    await drawer.getByLabel('Extension number').fill('100');
    await drawer.getByRole('button', { name: 'Add extension' }).click();
    const creds = page.getByRole('dialog', { name: 'SIP credentials for 100' });
    await creds.getByRole('button', { name: 'I’ve saved the password' }).click();
    await creds.waitFor({ state: 'hidden' });

    // 3. A number routed to it.
    const number = `+1555${rand(7)}`;
    await nav(page, 'Phone numbers').click();
    await page.getByRole('button', { name: 'Add number' }).click();
    const numberDrawer = page.getByRole('dialog', { name: 'Add phone number' });
    await numberDrawer.getByLabel('Phone number').fill(number);
    await numberDrawer.getByRole('radio', { name: /^Extension/ }).check();
    await numberDrawer.getByRole('combobox', { name: 'Extension', exact: true }).selectOption({ label: '100' });
    await numberDrawer.getByRole('button', { name: 'Add number' }).click();
    await numberDrawer.waitFor({ state: 'hidden' });

    await nav(page, 'Dashboard').click();
    await checklist.locator('[data-step=route][data-done=true]').waitFor();
    await checklist.locator('[data-step=call][data-done=false]').getByRole('link', { name: 'Open call logs' }).waitFor();
    await nav(page, 'Test a call').click();

    // 4. The path, traced without placing a call.
    await page.getByRole('heading', { name: 'Test a call', level: 1 }).waitFor();
    await page.getByLabel('Calling').fill(number);
    await page.getByRole('button', { name: 'Trace the call' }).click();
    // A new extension has voicemail on, so an unanswered call ends there.
    await expect.poll(() => page.getByTestId('call-path-summary').textContent()).toBe(`${number} → ring 100 → voicemail of 100`);
    await shot(page, 'call-path-new-org');

    // 5. The test call, as Cloudonix would place it with the settings made above.
    const transcript = await simulateCall({
      baseUrl: h.base,
      requestsKey: key,
      domain,
      ...inboundCall(number, `+1202${rand(7)}`),
      scenario: { defaultTarget: { outcome: 'answer', after: 1, talk: 2 } },
    });
    expect(transcript.errors).toEqual([]);
    expect(transcript.outcome.answered).toBe(true);
    await h.server.app.voice.journal.flush();

    // Every step done: the checklist is gone.
    await nav(page, 'Call logs').click();
    await page.getByRole('row').filter({ hasText: '(202)' }).getByText('Completed').waitFor();
    await nav(page, 'Dashboard').click();
    await page.getByTestId('stats').waitFor();
    await expect.poll(() => page.getByTestId('onboarding').count()).toBe(0);
    expect(h.cspViolations).toEqual([]);
  });

  it('traces a demo call through business hours and a ring group, open and closed', async () => {
    // The browser's zone is the organization's here, so "When" means New York time.
    const { page } = await h.open({ timezoneId: 'America/New_York' });
    await signIn(h, page, DEMO_OWNER);
    await nav(page, 'Test a call').click();
    await page.getByLabel('Calling').fill('+15550100001');
    await page.getByLabel('When').fill('2026-12-07T10:30');
    await page.getByRole('button', { name: 'Trace the call' }).click();
    const steps = page.getByTestId('call-path').getByRole('listitem');
    await page
      .getByTestId('call-path-summary')
      .getByText(/business hours Office hours \(open\) → ring group Sales → ring /)
      .waitFor();
    await expect(steps.first().textContent()).resolves.toContain('+15550100001');
    await shot(page, 'call-path');

    await page.getByLabel('When').fill('2026-12-07T20:00');
    await page.getByRole('button', { name: 'Trace the call' }).click();
    await page
      .getByTestId('call-path-summary')
      .getByText(/business hours Office hours \(closed\) → voicemail of 200/)
      .waitFor();

    // Checked in the browser before sending.
    await page.getByLabel('Calling').fill('');
    await page.getByRole('button', { name: 'Trace the call' }).click();
    await page.getByText('Enter the number or extension being called.').waitFor();
    expect(h.cspViolations).toEqual([]);
  });

  it('offers only the organization’s own numbers as the default caller ID', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await nav(page, 'Settings').click();
    const select = page.getByRole('combobox', { name: /Default caller ID/ });
    await select.waitFor();
    await expect.poll(() => select.locator('option').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Main line')]));
    const values = await select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(values).toEqual(['', '+15550100001', '+15550100002', '+15550100003']);
    await select.selectOption('+15550100002');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Organization settings saved.').waitFor();
    await page.reload();
    await expect(page.getByRole('combobox', { name: /Default caller ID/ }).inputValue()).resolves.toBe('+15550100002');
    expect(h.cspViolations).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
