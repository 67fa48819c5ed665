import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built React app (apps/opbx-web/dist), when present. */
export const WEB_DIST = fileURLToPath(new URL('../../../opbx-web/dist', import.meta.url));

const API_PATHS = /^\/(api|metrics|broadcasting)(\/|$)/;

/**
 * Serves the web app at `/` with a single-page-app fallback: any other GET that wants HTML gets
 * index.html, so deep links like /extensions/123 load the app. API paths keep their JSON 404.
 */
export async function registerWebApp(app: FastifyInstance, root = WEB_DIST): Promise<boolean> {
  if (!existsSync(`${root}/index.html`)) return false;
  await app.register(fastifyStatic, { root, prefix: '/', decorateReply: false, wildcard: false, index: ['index.html'] });
  const indexHtml = readFileSync(`${root}/index.html`, 'utf8');
  app.notFoundFallbacks.push(async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (request.method !== 'GET' || API_PATHS.test(path) || /\.[a-z0-9]+$/i.test(path)) return false;
    await reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
    return true;
  });
  return true;
}
