/**
 * Accessibility (issue 14 item 6, part): text contrast of at least 4.5:1 (3:1 for large text) on
 * every page, measured in the browser from computed colours against the nearest opaque
 * background, as an owner and as an agent. axe-core is not a dependency of this repository yet;
 * this check covers its colour-contrast rule for plain text. Each test signs in on its own.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_AGENT, DEMO_OWNER, type Harness, signIn, startHarness } from './support/browser.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
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
