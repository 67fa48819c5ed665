/**
 * One way of writing times and phone numbers across the console (issue 14 items 5 and 6): every
 * page uses the clock of the user's language (12- or 24-hour, never both), and a number of the
 * organization's own country is written in national format, any other in international format.
 * The demo organization's numbers are +1 555…, so its country is the US.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { inboundCall, simulateCall } from '@opbx/callsim';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { formatPhone } from '../src/lib/phone.js';
import { DEMO_AGENT, DEMO_DOMAIN, DEMO_OWNER, DEMO_REQUESTS_KEY, type Harness, signIn, startHarness } from './support/browser.js';

let h: Harness;
const LONDON_CALLER = '+442071838750';
const US_CALLER = '+12025550143';

beforeAll(async () => {
  h = await startHarness();
  // Two calls to a demo number: one from the organization's country, one from abroad.
  for (const from of [US_CALLER, LONDON_CALLER]) {
    const t = await simulateCall({
      baseUrl: h.base,
      requestsKey: DEMO_REQUESTS_KEY,
      domain: DEMO_DOMAIN,
      ...inboundCall('+15550100001', from),
      scenario: { defaultTarget: { outcome: 'no-answer' } },
    });
    if (t.errors.length) throw new Error(t.errors.join('; '));
  }
  await h.server.app.voice.journal.flush();
  // Hours that end at midnight (24:00) and a whole day.
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${h.base}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as any;
  };
  const token = (await api('POST', '/auth/login', DEMO_OWNER)).access_token as string;
  const sales = (await api('GET', '/ring-groups?search=Sales', undefined, token)).data[0].id as string;
  const created = await api(
    'POST',
    '/business-hours',
    {
      name: 'Night desk',
      timezone: 'UTC',
      schedules: [
        { day_of_week: 1, open_time: '18:00', close_time: '24:00' },
        { day_of_week: 6, open_time: '00:00', close_time: '24:00' },
      ],
      open_hours_routing: { type: 'ring_group', ring_group_id: sales },
      closed_hours_routing: { type: 'hangup' },
    },
    token,
  );
  if (!created.id) throw new Error(JSON.stringify(created));
});
afterAll(async () => {
  await h?.close();
});

describe('formatPhone', () => {
  it('writes numbers of the home country in national format and others in international format', () => {
    expect(formatPhone('+12025550143', 'US')).toBe('(202) 555-0143');
    expect(formatPhone('+442071838750', 'US')).toBe('+44 20 7183 8750');
    expect(formatPhone('+442071838750', 'GB')).toBe('020 7183 8750');
    expect(formatPhone('+12025550143', 'GB')).toBe('+1 202 555 0143');
    // A range no country claims (+1 555 01xx) is dialled like the home country's numbers.
    expect(formatPhone('+15550100001', 'US')).toBe('(555) 010-0001');
    // Until the country is known: international, never a guess.
    expect(formatPhone('+12025550143')).toBe('+1 202 555 0143');
  });

  it('shows what is not an E.164 number as it is', () => {
    expect(formatPhone('101', 'US')).toBe('101');
    expect(formatPhone('anonymous', 'US')).toBe('anonymous');
    expect(formatPhone('+', 'US')).toBe('+');
    expect(formatPhone(null, 'US')).toBe('—');
  });
});

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));

describe('one module each', () => {
  it('formats dates and times only in lib/datetime.ts, and phone numbers only through the organization’s formatter', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(50);
    const offenders: string[] = [];
    for (const file of files) {
      const name = relative(SRC, file);
      const text = readFileSync(file, 'utf8');
      // Intl.DateTimeFormat() without options only asks the browser for its zone; with them, it formats.
      if (name !== 'lib/datetime.ts' && /toLocale(Date|Time)?String\(|DateTimeFormat\([^)]/.test(text)) offenders.push(`${name}: formats a date itself`);
      if (name !== 'data/lookups.ts' && /lib\/phone'/.test(text)) offenders.push(`${name}: formats a phone number without the organization's country`);
    }
    expect(offenders).toEqual([]);
  });
});

/** The time of the newest call on the call-log page, and the hours on the business-hours page. */
async function timesOnTwoPages(page: Page): Promise<{ callTime: string; hours: string; night: string; chartTicks: string[] }> {
  await page.goto(`${h.base}/call-logs`);
  const callTime = (await page
    .getByRole('button', { name: /^Details of the call/ })
    .first()
    .textContent())!.trim();
  await page.goto(`${h.base}/business-hours`);
  await page.getByRole('heading', { name: 'Business hours', level: 1 }).waitFor();
  const hours = (await page
    .getByText(/^Mon–Fri /)
    .first()
    .textContent())!.trim();
  const night = (await page
    .getByRole('row', { name: /Night desk/ })
    .getByText(/^Mon /)
    .textContent())!.trim();
  await page.goto(`${h.base}/`);
  const ticks = page.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value');
  await ticks.first().waitFor({ state: 'attached' });
  const chartTicks = await ticks.allTextContents();
  return { callTime, hours, night, chartTicks };
}

const TWELVE_HOUR = /\d{1,2}:\d{2}(:\d{2})?\s?[AP]M/;

describe('one clock', { timeout: 90_000 }, () => {
  it('uses the 12-hour clock on every page for a language that does (en-US)', async () => {
    const { page } = await h.open({ locale: 'en-US' });
    await signIn(h, page, DEMO_OWNER);
    const { callTime, hours, night, chartTicks } = await timesOnTwoPages(page);
    expect(callTime).toMatch(TWELVE_HOUR);
    expect(hours).toMatch(/^Mon–Fri 9:00\sAM–5:00\sPM/);
    expect(night).toMatch(/^Mon 6:00\sPM–12:00\sAM · Sat all day/);
    for (const tick of chartTicks) expect(tick).toMatch(TWELVE_HOUR);
  });

  it('uses the 24-hour clock on every page for a language that does (en-GB)', async () => {
    const { page } = await h.open({ locale: 'en-GB' });
    await signIn(h, page, DEMO_OWNER);
    const { callTime, hours, night, chartTicks } = await timesOnTwoPages(page);
    for (const text of [callTime, hours, night, ...chartTicks]) expect(text).not.toMatch(/[AP]M/i);
    expect(callTime).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(hours).toMatch(/^Mon–Fri 09:00–17:00/);
    expect(night).toMatch(/^Mon 18:00–24:00 · Sat all day/);
    for (const tick of chartTicks) expect(tick).toMatch(/^\d{2}:\d{2}$/);
  });
});

describe('phone numbers on the screen', { timeout: 90_000 }, () => {
  it('writes the organization’s own country’s numbers nationally and others internationally, for every role', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await page.goto(`${h.base}/call-logs`);
    const rows = page.getByRole('row');
    await rows.filter({ hasText: '+44 20 7183 8750' }).first().waitFor();
    await rows.filter({ hasText: '(202) 555-0143' }).first().waitFor();
    // The number called is the organization's own: national too.
    await rows.filter({ hasText: '(555) 010-0001' }).first().waitFor();
    expect(await page.getByText('+1 202').count()).toBe(0);

    const agent = (await h.open()).page;
    await signIn(h, agent, DEMO_AGENT);
    await agent.goto(`${h.base}/phone-numbers`);
    await agent.getByText('(555) 010-0001').first().waitFor();
    expect(await agent.getByText('+1 555').count()).toBe(0);
  });
});
