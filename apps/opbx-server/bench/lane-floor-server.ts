import { createHttpApp } from '@opbx/platform';

/**
 * The floor under the voice route: this project's HTTP app (the same server, fast lane, request ids,
 * metrics) answering a fixed CXML, with no authentication, routing, signing or journal. What the
 * voice route costs above this is the voice work itself.
 */
const app = await createHttpApp({ title: 'floor', version: '1', logger: false, corsOrigins: '*' });
const cxml = '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Hangup/></Response>\n';
const answer = { status: 200, contentType: 'application/xml; charset=utf-8', body: cxml };
app.fastLane.route('/floor', {
  handle: async () => answer,
  refuse: (refusal) => ({ ...answer, status: refusal.status }),
  fail: () => ({ ...answer, status: 500 }),
});
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`LISTENING ${address}`);
// A clean exit on SIGTERM, so BENCH_PROFILE gets this process's profile too.
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
