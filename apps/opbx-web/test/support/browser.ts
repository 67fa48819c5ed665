/**
 * A fixture for independent browser tests: the real server (demo data, a fresh database) and
 * headless Debian Chromium driven by playwright-core. Each test opens its own browser context
 * (its own storage, so its own session) and signs in through the login page; any test can run
 * alone with `-t`. Content-Security-Policy violations and page errors from every context are
 * collected for the suite to assert on.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

import { readConfig } from '../../../opbx-server/src/config.js';
import { type RunningServer, startServer } from '../../../opbx-server/src/server.js';
import { freshDatabaseUrl } from '../../../opbx-server/test/support/context.js';

const DIST = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
export const SHOTS = fileURLToPath(new URL('../../../../test-artifacts/screenshots/', import.meta.url));
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

export const DEMO_OWNER = { email: 'demo@opbx.local', password: 'demo1234' };
export const DEMO_ADMIN = { email: 'alex@opbx.local', password: 'demo1234' };
export const DEMO_AGENT = { email: 'sam@opbx.local', password: 'demo1234' };
export const DEMO_REQUESTS_KEY = 'demo-requests-key-change-me';
export const DEMO_DOMAIN = 'demo.cloudonix.local';

export const DESKTOP = { width: 1366, height: 820 };
export const PHONE = { width: 390, height: 844 };

export interface Harness {
  server: RunningServer;
  base: string;
  databaseUrl: string;
  appKey: string;
  browser: Browser;
  cspViolations: string[];
  pageErrors: string[];
  /** A fresh context and page (own storage), viewport and zone as asked. */
  open(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
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

export async function startHarness(): Promise<Harness> {
  if (!existsSync(DIST)) throw new Error('apps/opbx-web/dist is missing: build the web app first with `npm run build:web`.');
  mkdirSync(SHOTS, { recursive: true });
  const db = await freshDatabaseUrl();
  const appKey = randomBytes(24).toString('hex');
  const config = readConfig({
    PORT: '0',
    OPBX_WS_PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    OPBX_APP_KEY: appKey,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    // The PostgreSQL + Redis pass runs the browser suite over Redis too.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, OPBX_REDIS_PREFIX: `test:${randomBytes(4).toString('hex')}:` } : {}),
  });
  const server = await quietly(() => startServer(config, { demo: true, signals: false }));
  const base = `http://127.0.0.1:${new URL(server.url).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    server,
    base,
    databaseUrl: db.url,
    appKey,
    browser,
    cspViolations,
    pageErrors,
    async open(options = {}) {
      const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true, ...options });
      contexts.push(context);
      // Generous for a loaded CI machine; each wait still fails with the locator it was after.
      context.setDefaultTimeout(15_000);
      await context.exposeBinding('reportCspViolation', (_source, text: string) => void cspViolations.push(text));
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          void (window as unknown as { reportCspViolation(t: string): Promise<void> }).reportCspViolation(
            `${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`,
          );
        });
      });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await server.stop();
      await db.drop();
    },
  };
}

/** Signs in through the login page and waits for the dashboard. */
export async function signIn(h: Harness, page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${h.base}/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true, animations: 'disabled' });
}

/** A link of the main navigation (opens the menu first on a phone, where it is collapsed). */
export function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

/** A bearer token from the API's own sign-in, to set up records the way another client would. */
export async function apiToken(h: Harness, who: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${h.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  if (res.status !== 200) throw new Error(`signing in as ${who.email} through the API answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** One API request with a bearer token: its status and JSON body (null when it has none). */
export async function api(h: Harness, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${h.base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
