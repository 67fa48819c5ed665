import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { verifySignature } from '../../src/modules/webhooks/signing.js';

export interface Received {
  body: string;
  headers: Record<string, string | string[] | undefined>;
  signatureValid: boolean;
}

/**
 * A real HTTP endpoint for outgoing webhooks: answers each request with the next status of
 * `script` (the last one repeats) and checks every signature with the endpoint's secret.
 */
export async function startReceiver(script: number[]) {
  const received: Received[] = [];
  let secret = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(req.headers['x-warp-signature'] ?? '');
      received.push({ body, headers: req.headers, signatureValid: verifySignature(secret, body, header) });
      const status = script[Math.min(received.length - 1, script.length - 1)]!;
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/warp`,
    received,
    setSecret(s: string) {
      secret = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
