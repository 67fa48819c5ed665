import type { FastifyInstance } from 'fastify';

/**
 * Every registered route as "METHOD /path" (e.g. "PATCH /api/v1/users/:id"), read from the
 * router itself so a suite can fail when a route exists that it does not cover. Fastify keeps no
 * public route list once the app is built, so this walks `printRoutes()`'s tree, then proves the
 * parse with `hasRoute` for every entry.
 */
export function listRoutes(app: FastifyInstance): string[] {
  const tree = app.printRoutes({ commonPrefix: false });
  const prefixes: string[] = [];
  const routes = new Set<string>();
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (depth > 0 ? prefixes[depth - 1]! : '') + match[2]!;
    prefixes.length = depth;
    prefixes[depth] = path;
    for (const method of match[3]?.split(', ') ?? []) routes.add(`${method} ${path}`);
  }
  for (const route of routes) {
    const [method, url] = route.split(' ') as [string, string];
    // Wildcard routes (the docs' static files) are not matched back by hasRoute.
    if (!url.includes('*') && !app.hasRoute({ method: method as 'GET', url })) throw new Error(`route listing is out of step with the router: ${route}`);
  }
  return [...routes].sort();
}

/** The `/api/v1` routes, HEAD included (Fastify adds one per GET). */
export const apiRoutes = (app: FastifyInstance) => listRoutes(app).filter((r) => r.split(' ')[1]!.startsWith('/api/v1/'));

/** "GET /api/v1/users/:id" with `:id` replaced → a concrete URL. */
export const fill = (route: string, id: string) => route.split(' ')[1]!.replace(':id', id);
