import { injectJson, JsonClient, type Reply } from '@opbx/platform/testing';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

export type { Reply } from '@opbx/platform/testing';

const ROUTE = { base: '/v1', absolute: ['/v1', '/metrics'] } as const;

/** `app.inject` speaking JSON under /v1, as a bearer token (user token or API key) and optionally for one customer. */
export class Api extends JsonClient {
  constructor(
    readonly app: FastifyInstance,
    readonly token?: string,
    readonly customer?: string,
  ) {
    super();
  }

  as(token: string | undefined) {
    return new Api(this.app, token, this.customer);
  }

  /** The same caller acting on a customer (X-Customer-ID: id or BAN). */
  for(customer: string | undefined) {
    return new Api(this.app, this.token, customer);
  }

  request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    return injectJson<T>(this.app, ROUTE, method, url, body, {
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...(this.customer ? { 'x-customer-id': this.customer } : {}),
      ...headers,
    });
  }
}

/** WARP's error body: `{code, message, details[], requestId}` at the top level, requestId = x-request-id. */
export function expectError(res: Reply, status: number, code?: string, context = '') {
  const where = `${context} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 400)}`;
  expect(res.status, where).toBe(status);
  expect(res.body?.code, where).toBeTypeOf('string');
  if (code) expect(res.body.code, where).toBe(code);
  expect(res.body.message, where).toBeTypeOf('string');
  expect(res.body.details, where).toBeInstanceOf(Array);
  expect(res.body.requestId, where).toBe(res.headers['x-request-id']);
  expect(res.body.error, where).toBeUndefined();
}

let counter = 0;
export const uniqueEmail = (label: string) => `${label}.${process.pid}.${Date.now()}.${++counter}@test.example`;
