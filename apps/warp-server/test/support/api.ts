import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

/** `app.inject` speaking JSON under /v1, as a bearer token (user token or API key) and optionally for one customer. */
export class Api {
  constructor(
    readonly app: FastifyInstance,
    readonly token?: string,
    readonly customer?: string,
  ) {}

  as(token: string | undefined) {
    return new Api(this.app, token, this.customer);
  }

  /** The same caller acting on a customer (X-Customer-ID: id or BAN). */
  for(customer: string | undefined) {
    return new Api(this.app, this.token, customer);
  }

  async request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const res = await this.app.inject({
      method: method as 'GET',
      url: url.startsWith('/v1') || url.startsWith('/metrics') ? url : `/v1${url}`,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(this.customer ? { 'x-customer-id': this.customer } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    let parsed: any = res.body;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      // non-JSON bodies (metrics, docs) stay as text
    }
    return { status: res.statusCode, body: parsed, headers: res.headers };
  }

  get<T = any>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body);
  }
  patch<T = any>(url: string, body?: unknown) {
    return this.request<T>('PATCH', url, body);
  }
  delete<T = any>(url: string) {
    return this.request<T>('DELETE', url);
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
