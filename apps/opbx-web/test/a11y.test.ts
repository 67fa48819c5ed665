/**
 * Accessibility (issue 14 item 6): axe-core run in the browser on every route of the console, as
 * an owner and as an agent, at 1440 px and at 390 px, must report no violation. Beside it, text
 * contrast of at least 4.5:1 (3:1 for large text) measured from computed colours against the
 * nearest opaque background (a second opinion on axe's colour-contrast rule, which skips text it
 * cannot decide on). Each test signs in on its own.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { inboundCall, simulateCall } from '@opbx/callsim';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_AGENT, DEMO_DOMAIN, DEMO_OWNER, DEMO_REQUESTS_KEY, type Harness, PHONE, signIn, startHarness } from './support/browser.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDE = { width: 1440, height: 900 };

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  // Calls, so the lists, the chart and the dashboard's call panels are checked with rows in them.
  for (const [from, target] of [
    ['+12025550171', { outcome: 'answer', after: 1, talk: 2 }],
    ['+442071838750', { outcome: 'no-answer' }],
  ] as const) {
    const t = await simulateCall({
      baseUrl: h.base,
      requestsKey: DEMO_REQUESTS_KEY,
      domain: DEMO_DOMAIN,
      ...inboundCall('+15550100001', from),
      scenario: { defaultTarget: target },
    });
    if (t.errors.length) throw new Error(t.errors.join('; '));
  }
  await h.server.app.voice.journal.flush();
});
afterAll(async () => {
  await h?.close();
});

/** Visible text whose colour is below WCAG AA against its background, as "text (ratio)". */
function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // Tailwind 4's colours are oklch(): let the browser convert any CSS colour to sRGB on a canvas.
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const parse = (c: string): [number, number, number, number] | null => {
      if (!c || c === 'transparent') return [0, 0, 0, 0];
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      return [r!, g!, b!, a! / 255];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): [number, number, number] => {
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg && bg[3] >= 0.95) return [bg[0], bg[1], bg[2]];
      }
      return [255, 255, 255];
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el) continue;
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      if (style.visibility === 'hidden' || rect.width === 0 || rect.height === 0 || el.closest('[aria-hidden=true], .sr-only, svg, option')) continue;
      if (el.closest(':disabled, [aria-disabled=true]')) continue;
      const fg = parse(style.color);
      if (!fg) continue;
      const bg = background(el);
      // A translucent text colour blends with its background.
      const mix = [0, 1, 2].map((i) => fg[i]! * fg[3] + bg[i]! * (1 - fg[3]));
      const [a, b] = [lum(mix), lum(bg)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`${text.slice(0, 40)} (${ratio.toFixed(2)})`);
    }
    // Placeholders are text too (and axe does not measure them).
    for (const el of Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[placeholder], textarea[placeholder]'))) {
      if (el.value || el.disabled || el.getBoundingClientRect().width === 0) continue;
      const fg = parse(getComputedStyle(el, '::placeholder').color);
      if (!fg) continue;
      const bg = background(el);
      const mix = [0, 1, 2].map((i) => fg[i]! * fg[3] + bg[i]! * (1 - fg[3]));
      const [a, b] = [lum(mix), lum(bg)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) out.push(`placeholder "${el.placeholder.slice(0, 40)}" (${ratio.toFixed(2)})`);
    }
    return [...new Set(out)];
  });
}

async function check(page: Page, path: string, heading: string | RegExp): Promise<string[]> {
  await page.goto(`${h.base}${path}`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  return (await lowContrast(page)).map((t) => `${path}: ${t}`);
}

describe('contrast', { timeout: 90_000 }, () => {
  it('finds low contrast when there is some (the check itself)', async () => {
    const { page } = await h.open();
    await page.goto(`${h.base}/login`);
    await page.getByRole('heading', { name: 'Sign in to OPBX' }).waitFor();
    await page.evaluate(() => {
      const probe = document.createElement('p');
      probe.textContent = 'Faint probe text';
      probe.style.color = 'oklch(0.85 0 0)';
      document.body.prepend(probe);
    });
    expect((await lowContrast(page)).some((t) => t.startsWith('Faint probe text'))).toBe(true);
  });

  it('keeps every text of an owner’s pages at 4.5:1 or more', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    const found: string[] = [];
    for (const [path, heading] of [
      ['/', 'Dashboard'],
      ['/call-logs', 'Call logs'],
      ['/extensions', 'Extensions'],
      ['/phone-numbers', 'Phone numbers'],
      ['/ring-groups', 'Ring groups'],
      ['/business-hours', 'Business hours'],
      ['/users', 'Users'],
      ['/settings', 'Settings'],
      ['/cloudonix', 'Cloudonix'],
      ['/call-path', 'Test a call'],
      ['/profile', 'Your profile'],
    ] as const)
      found.push(...(await check(page, path, heading)));
    expect(found).toEqual([]);
  });

  it('keeps the sign-in page and an agent’s pages at 4.5:1 or more', async () => {
    const { page } = await h.open();
    await page.goto(`${h.base}/login`);
    await page.getByRole('heading', { name: 'Sign in to OPBX' }).waitFor();
    const found = (await lowContrast(page)).map((t) => `/login: ${t}`);
    await signIn(h, page, DEMO_AGENT);
    for (const [path, heading] of [
      ['/', 'Dashboard'],
      ['/call-logs', 'Call logs'],
      ['/extensions', 'Extensions'],
    ] as const)
      found.push(...(await check(page, path, heading)));
    expect(found).toEqual([]);
  });

  it('leaves no tab stop in what is hidden from assistive tech (the call-volume chart), and its legend readable', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await page.getByTestId('stats').waitFor();
    await page.locator('.recharts-wrapper').first().waitFor();
    const hiddenStops = await page.evaluate(() =>
      Array.from(document.querySelectorAll('[aria-hidden=true] *'))
        .filter((el) => (el as HTMLElement).tabIndex >= 0)
        .map((el) => el.tagName.toLowerCase()),
    );
    expect(hiddenStops).toEqual([]);
    // The legend is inside the hidden chart, so the page check skips it: measure it here.
    const legend = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.recharts-legend-item-text')).map((el) => getComputedStyle(el.querySelector('span') ?? el).color),
    );
    expect(legend).toHaveLength(3);
    // Not the series colours (amber and light grey are below 3:1 on white).
    for (const color of legend) expect(color).not.toMatch(/245, 158, 11|212, 212, 216/);
  });
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core's violations on the page as it is now, one line per rule: "rule (impact): targets". */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a <script>: the app's Content-Security-Policy (script-src 'self')
  // rightly blocks inline scripts, and the check must not loosen it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  // Judge what stays on screen, not a dialog half faded in: let finite animations and transitions end.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: object, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    // While a modal dialog is open, the page behind it is inert: Radix hides it from assistive tech
    // (data-aria-hidden) and dims it under the overlay, so its dimmed text is not judged. The page
    // itself is checked on its own, without the dialog.
    const result = await axe.run({ exclude: [['[data-aria-hidden="true"]']] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.map((v) => `${v.id} (${v.impact}: ${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

type Route = readonly [path: string, heading: string | RegExp];

/** The first link to a record of a list ("/ring-groups/…"), so detail routes are checked too. */
async function firstRecord(page: Page, list: string, heading: string): Promise<string> {
  await page.goto(`${h.base}${list}`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  const link = page.locator(`main a[href^="${list}/"]:not([href$="/new"])`).first();
  await link.waitFor();
  return (await link.getAttribute('href'))!;
}

async function axePages(page: Page, routes: readonly Route[]): Promise<string[]> {
  const found: string[] = [];
  for (const [path, heading] of routes) {
    await page.goto(`${h.base}${path}`);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    await page.waitForLoadState('networkidle').catch(() => undefined);
    found.push(...(await axeViolations(page)).map((v) => `${path}: ${v}`));
  }
  return found;
}

/** Every page the main navigation links to (from the menu, on a phone), so a page added to it is checked too. */
async function navPaths(page: Page): Promise<string[]> {
  const menu = page.getByRole('button', { name: 'Open menu' });
  if (await menu.isVisible()) await menu.click();
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  await links.first().waitFor();
  return links.evaluateAll((all) => all.map((a) => a.getAttribute('href')!));
}

const anyHeading = (paths: string[]): Route[] => paths.map((p) => [p, /.+/] as const);

/** Routes the navigation does not link to: forms for new records, the profile, an unknown address. */
const OWNER_EXTRA: readonly Route[] = [
  ['/ring-groups/new', /.+/],
  ['/business-hours/new', /.+/],
  ['/profile', 'Your profile'],
  ['/no-such-page', 'Page not found'],
];

const OWNER_NAV = ['/', '/call-logs', '/extensions', '/phone-numbers', '/ring-groups', '/business-hours', '/call-path', '/users', '/cloudonix', '/settings'];
const AGENT_NAV = ['/', '/call-logs', '/extensions', '/phone-numbers', '/ring-groups', '/business-hours', '/settings'];

describe('axe-core', { timeout: 240_000 }, () => {
  it('finds a violation when there is one (the check itself)', async () => {
    const { page } = await h.open();
    await page.goto(`${h.base}/login`);
    await page.getByRole('heading', { name: 'Sign in to OPBX' }).waitFor();
    await page.evaluate(() => {
      const probe = document.createElement('button');
      probe.className = 'size-8';
      document.body.append(probe);
    });
    expect((await axeViolations(page)).some((v) => v.startsWith('button-name'))).toBe(true);
  });

  for (const [label, viewport] of [
    ['1440 px', WIDE],
    ['390 px', PHONE],
  ] as const) {
    it(`reports no violation on the sign-in page at ${label}`, async () => {
      const { page } = await h.open({ viewport });
      expect(await axePages(page, [['/login', 'Sign in to OPBX']])).toEqual([]);
    });

    it(`reports no violation on any page of an owner at ${label}`, async () => {
      const { page } = await h.open({ viewport });
      await signIn(h, page, DEMO_OWNER);
      const nav = await navPaths(page);
      expect(nav).toEqual(expect.arrayContaining(OWNER_NAV));
      const details = [
        await firstRecord(page, '/extensions', 'Extensions'),
        await firstRecord(page, '/ring-groups', 'Ring groups'),
        await firstRecord(page, '/business-hours', 'Business hours'),
      ];
      const found = await axePages(page, [...anyHeading(nav), ...OWNER_EXTRA, ...anyHeading(details)]);
      // Drawers and, on a phone, the opened navigation are part of the pages too.
      await page.goto(`${h.base}/call-logs`);
      await page
        .getByRole('button', { name: /^Details of the call/ })
        .first()
        .click();
      await page.getByRole('dialog', { name: /^Call from/ }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      found.push(...(await axeViolations(page)).map((v) => `/call-logs (call drawer): ${v}`));
      await page.goto(`${h.base}/extensions`);
      await page.getByRole('button', { name: 'Add extension' }).click();
      const drawer = page.getByRole('dialog', { name: 'Add extension' });
      await drawer.waitFor();
      found.push(...(await axeViolations(page)).map((v) => `/extensions (drawer): ${v}`));
      // Sent empty: the errors, their summary and the invalid fields.
      await drawer.getByRole('button', { name: 'Add extension' }).click();
      await drawer.locator('[aria-invalid=true]').first().waitFor();
      found.push(...(await axeViolations(page)).map((v) => `/extensions (drawer with errors): ${v}`));
      // Saved: the one-time SIP password dialog, with the success toast.
      const number = `7${String(Math.floor(Math.random() * 900) + 100)}${viewport === PHONE ? 1 : 2}`;
      await drawer.getByLabel('Extension number').fill(number);
      await drawer.getByRole('button', { name: 'Add extension' }).click();
      await page.getByRole('dialog', { name: `SIP credentials for ${number}` }).waitFor();
      found.push(...(await axeViolations(page)).map((v) => `/extensions (SIP credentials): ${v}`));
      // A confirmation before deleting.
      await page.goto(`${h.base}/phone-numbers`);
      await page
        .getByRole('button', { name: /^Delete / })
        .first()
        .click();
      await page.getByRole('alertdialog').waitFor();
      found.push(...(await axeViolations(page)).map((v) => `/phone-numbers (confirm delete): ${v}`));
      if (viewport === PHONE) {
        await page.goto(`${h.base}/`);
        await page.getByRole('button', { name: /menu/i }).first().click();
        await page.getByRole('navigation', { name: 'Main' }).waitFor();
        found.push(...(await axeViolations(page)).map((v) => `/ (menu open): ${v}`));
      }
      expect(found).toEqual([]);
    });

    it(`reports no violation on any page of an agent at ${label}`, async () => {
      const { page } = await h.open({ viewport });
      await signIn(h, page, DEMO_AGENT);
      const nav = await navPaths(page);
      // An agent's navigation also links to their own extension ("My extension").
      expect(nav).toEqual(expect.arrayContaining([...AGENT_NAV, expect.stringMatching(/^\/extensions\/.+/)]));
      expect(await axePages(page, [...anyHeading(nav), ['/profile', 'Your profile']])).toEqual([]);
    });
  }
});
