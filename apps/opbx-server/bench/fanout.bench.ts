import { PusherServer, signChannel } from '@opbx/platform';
import WebSocket from 'ws';

import { fmt, percentile } from './support.js';

const CLIENTS = Number(process.env.BENCH_WS_CLIENTS ?? 1000);
const EVENTS = 50;
const KEY = 'bench-key';
const SECRET = 'bench-secret-0123456789';
const CHANNEL = 'private-organization.bench.calls';

/**
 * One event to 1,000 subscribed sockets: the Pusher server and the clients share this process
 * (the clients' work competes with the server's, so the figure is pessimistic).
 */
export async function benchFanout() {
  // Every bench client connects from 127.0.0.1: the per-address limit would stop them at 200.
  const server = new PusherServer({ appKey: KEY, appSecret: SECRET, limits: { maxConnectionsPerIp: CLIENTS } });
  const port = await server.listen(0, '127.0.0.1');
  const latencies: number[] = [];
  const sockets: WebSocket[] = [];
  let received = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${KEY}?protocol=7&client=js&version=8.6.0`);
      sockets.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('message', (raw) => {
          const msg = JSON.parse(raw.toString()) as { event: string; data: string };
          if (msg.event === 'pusher:connection_established') {
            const socketId = (JSON.parse(msg.data) as { socket_id: string }).socket_id;
            ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: CHANNEL, auth: signChannel(KEY, SECRET, socketId, CHANNEL) } }));
          } else if (msg.event === 'pusher_internal:subscription_succeeded') {
            resolve();
          } else if (msg.event === 'call.updated') {
            const sent = (JSON.parse(msg.data) as { sent: number }).sent;
            latencies.push(performance.timeOrigin + performance.now() - sent);
            received++;
          }
        });
      });
    }),
  );
  for (let i = 0; i < EVENTS; i++) {
    const target = received + CLIENTS;
    server.broadcastLocal(CHANNEL, 'call.updated', { sent: performance.timeOrigin + performance.now(), call: { call_id: `c${i}`, status: 'ringing' } });
    const deadline = Date.now() + 5000;
    while (received < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  }
  for (const ws of sockets) ws.close();
  await server.close();
  latencies.sort((a, b) => a - b);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const lines = [
    `## Realtime fan-out: one event to ${CLIENTS} subscribed WebSocket clients`,
    '',
    `${EVENTS} events, each to every client of one private channel; latency from broadcast to receipt (clients in the same process).`,
    '',
    `Deliveries ${latencies.length} of ${EVENTS * CLIENTS}; p50 **${fmt(p50)} ms**, p99 **${fmt(p99)} ms**, max ${fmt(latencies.at(-1) ?? NaN)} ms (goal: p99 < 100 ms).`,
  ];
  return { lines, p50, p99 };
}
