import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The built React app (apps/opbx-web/dist), when present. */
const WEB_DIST = fileURLToPath(new URL('../../../opbx-web/dist', import.meta.url));

const API_PATHS = /^\/(api|metrics|broadcasting)(\/|$)/;

/** `example.com`, `127.0.0.1:8000`, `[::1]:8000`: the host name alone, or undefined when it looks odd. */
function hostnameOf(host: string | undefined): string | undefined {
  const m = host ? /^(\[[0-9a-f:.]+\]|[a-z0-9.-]{1,253})(:\d{1,5})?$/i.exec(host) : null;
  return m?.[1];
}

/**
 * The console's Content-Security-Policy: only what the built app uses. Its own module scripts,
 * stylesheet and icon; API calls to this origin; and the realtime socket, which the app opens on
 * the page's host name at the WebSocket port (RealtimeProvider), ws or wss. No inline script, no
 * eval, no other origin; the one inline style element (Radix dialogs' scroll lock) carries the
 * page's nonce.
 */
function webAppCsp(host: string | undefined, wsPort: number, nonce: string): string {
  const name = hostnameOf(host);
  const socket = name ? ` ws://${name}:${wsPort} wss://${name}:${wsPort}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self'",
    "font-src 'self'",
    `connect-src 'self'${socket}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/**
 * Serves the web app at `/` with a single-page-app fallback: any other GET that wants HTML gets
 * index.html, so deep links like /extensions/123 load the app. API paths keep their JSON 404.
 * Every page carries the policy and a fresh nonce (in a meta tag, which main.tsx hands to the
 * style injector); the static assets need no policy, and the API docs keep theirs.
 */
export async function registerWebApp(app: FastifyInstance, options: { wsPort(): number }, root = WEB_DIST): Promise<boolean> {
  if (!existsSync(`${root}/index.html`)) return false;
  const indexHtml = readFileSync(`${root}/index.html`, 'utf8');
  const page = (request: FastifyRequest, reply: FastifyReply) => {
    const nonce = randomBytes(16).toString('base64');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', webAppCsp(request.headers.host, options.wsPort(), nonce))
      .send(indexHtml.replace('<head>', `<head>\n    <meta name="csp-nonce" content="${nonce}" />`));
  };
  // index.html only through `page`, never as a plain file.
  await app.register(fastifyStatic, { root, prefix: '/', decorateReply: false, wildcard: false, index: false, allowedPath: (path) => path !== '/index.html' });
  app.get('/', { schema: { hide: true } }, page);
  app.notFoundFallbacks.push(async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (request.method !== 'GET' || API_PATHS.test(path) || (/\.[a-z0-9]+$/i.test(path) && path !== '/index.html')) return false;
    await page(request, reply);
    return true;
  });
  return true;
}
