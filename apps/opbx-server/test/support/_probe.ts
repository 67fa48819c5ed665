import { randomBytes } from 'node:crypto';
import Echo from 'laravel-echo';
import Pusher from 'pusher-js';
import { simulateCall } from '@opbx/callsim';
import { startServer } from '../../src/server.js';
import { readConfig } from '../../src/config.js';
import { DEMO_CLOUDONIX, DEMO_LOGIN } from '../../src/demo/seed.js';

const config = readConfig({ PORT: '0', OPBX_WS_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:', OPBX_APP_KEY: randomBytes(16).toString('hex'), LOG_LEVEL: 'silent', NODE_ENV: 'test' });
const server = await startServer(config, { demo: true, signals: false });
const url = server.url.replace('localhost', '127.0.0.1');
const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_LOGIN) }).then((r) => r.json());
const token = login.access_token; const org = login.user.organization_id;
const echo = new Echo({ broadcaster: 'pusher', key: config.OPBX_WS_KEY, wsHost: '127.0.0.1', wsPort: server.wsPort, wssPort: server.wsPort, forceTLS: false, encrypted: false, disableStats: true, enabledTransports: ['ws', 'wss'], cluster: 'mt1', authEndpoint: `${url}/broadcasting/auth`, auth: { headers: { Authorization: `Bearer ${token}` } }, Pusher } as any);
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(Date.now() - t0, ...a);
await new Promise<void>((resolve) => {
  let n = 0;
  const done = () => { if (++n === 2) resolve(); };
  echo.private(`organization.${org}.calls`).subscribed(done).error((e: unknown) => log('err', e))
    .listen('.call.started', (e: any) => log('started', JSON.stringify(e)))
    .listen('.call.updated', (e: any) => log('updated', JSON.stringify(e)))
    .listen('.call.ended', (e: any) => log('ended', JSON.stringify(e)));
  echo.private(`organization.${org}.extensions`).subscribed(done).listen('.extension.status', (e: any) => log('ext', JSON.stringify(e)));
});
log('subscribed');
const t = await simulateCall({ baseUrl: url, requestsKey: DEMO_CLOUDONIX.requestsKey, domain: DEMO_CLOUDONIX.domainName, from: '+15557654321', to: '+15550100003', direction: 'inbound', rewriteOrigin: true });
log('transcript', t.outcome, t.errors, t.webhooks.map((w) => [w.kind, w.sessionStatus, w.status]), t.exchanges.map((e) => [e.kind, e.url, e.status]));
await new Promise((r) => setTimeout(r, 500));
const logs = await fetch(`${url}/api/v1/call-logs`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
log('logs', JSON.stringify(logs.data[0]));
echo.disconnect();
await server.stop();
