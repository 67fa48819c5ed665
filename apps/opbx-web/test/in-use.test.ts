/**
 * "Still in use" (issue 14 item 5): deleting a record something else uses is refused, and the
 * dialog links to each user of it, so the admin can go and change that first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_OWNER, type Harness, nav, shot, signIn, startHarness } from './support/browser.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('still in use', { timeout: 90_000 }, () => {
  it('links from a refused delete to the ring group that uses the extension', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await nav(page, 'Extensions').click();
    // 102 (Alex) is a member of the demo's Sales group.
    await page.getByRole('button', { name: 'Delete extension 102' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByText("Can't delete: still in use").waitFor();
    await confirm.getByText('Member of ring group "Sales"').waitFor();
    await shot(page, 'in-use-extension');
    await confirm.getByRole('link', { name: 'Open Sales' }).click();
    await page.getByRole('heading', { name: /Sales/, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/ring-groups\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('alertdialog').count()).resolves.toBe(0);
    expect(h.cspViolations).toEqual([]);
  });

  it('links from a refused delete to the phone number that routes to the ring group', async () => {
    const { page } = await h.open();
    await signIn(h, page, DEMO_OWNER);
    await nav(page, 'Ring groups').click();
    await page.getByRole('button', { name: 'Delete Support' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByText(/Routing target of phone number \+15550100002/).waitFor();
    await confirm.getByRole('link', { name: 'Open +15550100002' }).click();
    await page.getByRole('heading', { name: 'Phone numbers', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('search')).toBe('+15550100002');
    await page.getByRole('row', { name: /Support line/ }).waitFor();
    // The search found that one number only.
    await expect(page.getByRole('row', { name: /Main line/ }).count()).resolves.toBe(0);
    expect(h.cspViolations).toEqual([]);
  });
});
