import { createHttpApp } from '@opbx/platform';

/**
 * The floor under WARP's JSON API: this project's HTTP app (the platform's Fastify factory with its
 * request ids, metrics, error envelope and zod type provider) answering a fixed JSON envelope to a
 * POST with a small body, with no authentication, database or routing. What the simulator costs
 * above this is WARP's own work.
 */
const app = await createHttpApp({ title: 'floor', version: '1', logger: false, corsOrigins: '*' });
app.post('/floor', { config: { public: true } }, async (req) => ({
  data: { ok: true, echo: (req.body as { dni?: string })?.dni ?? null },
  meta: { requestId: String(req.id) },
}));
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`LISTENING ${address}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
