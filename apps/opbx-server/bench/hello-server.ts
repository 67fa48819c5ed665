import Fastify from 'fastify';

/** The baseline: a bare Fastify app answering a POST with a small body, nothing else. */
const app = Fastify({ logger: false });
app.post('/hello', async () => 'hello world');
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`LISTENING ${address}`);
// A clean exit on SIGTERM, so BENCH_PROFILE gets this process's profile too.
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
