import type { FastifyInstance } from 'fastify';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

/**
 * `app.inject` speaking JSON, as a test client of either product's API: paths are relative to
 * `base` (e.g. /api/v1) unless they already start with one of `absolute`; `headers` go on every
 * request (a bearer token, a customer context). Bodies that are not JSON stay text.
 */
export async function injectJson<T = any>(
  app: FastifyInstance,
  route: { base: string; absolute: readonly string[] },
  method: string,
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Reply<T>> {
  const res = await app.inject({
    method: method as 'GET',
    url: route.absolute.some((prefix) => url.startsWith(prefix)) ? url : `${route.base}${url}`,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  let parsed: any = res.body;
  try {
    parsed = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    // non-JSON bodies (CSV, metrics, CXML, docs) stay as text
  }
  return { status: res.statusCode, body: parsed, headers: res.headers };
}

/** The verbs every test client has, over its own `request`. */
export abstract class JsonClient {
  abstract request<T = any>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;

  get<T = any>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body);
  }
  patch<T = any>(url: string, body?: unknown) {
    return this.request<T>('PATCH', url, body);
  }
  put<T = any>(url: string, body?: unknown) {
    return this.request<T>('PUT', url, body);
  }
  delete<T = any>(url: string) {
    return this.request<T>('DELETE', url);
  }
}
