import { newId, nowIso } from '@opbx/platform';
import { expect } from 'vitest';

import type { AppContext } from '../../src/context.js';
import { type Api, createTestOrg, type Reply, type Role, type TestOrg } from './api.js';

export type { Role } from './api.js';
export { PASSWORD } from './api.js';
export const ROLES: readonly Role[] = ['owner', 'admin', 'agent'];

/** Suites that open extra sessions use the same factory: every `TestOrg` knows its users' credentials. */
export type CredentialedOrg = TestOrg;
export const createCredentialedOrg = createTestOrg;

/** Paths served at the root rather than under /api/v1 (the `Api` helper would prefix them). */
const ROOT_PATHS = /^\/(broadcasting|metrics|api)\//;

/** `api.request`, except that a root path such as /broadcasting/auth is sent as is. */
export async function send(api: Api, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  if (!ROOT_PATHS.test(url) || url.startsWith('/api/')) return api.request(method, url, body, headers);
  const res = await api.app.inject({
    method: method as 'GET',
    url,
    headers: {
      ...(api.token ? { authorization: `Bearer ${api.token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  let parsed: any = res.body;
  try {
    parsed = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    // non-JSON bodies stay as text
  }
  return { status: res.statusCode, body: parsed, headers: res.headers };
}

/** Creates through the API as `api` and returns the new id; any other status fails the setup loudly. */
export async function created(api: Api, url: string, body: unknown): Promise<string> {
  const res = await api.post(url, body);
  if (res.status !== 201) throw new Error(`setup POST ${url} failed with ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** The error envelope: `{error:{code,message,request_id}}`, matching the x-request-id header. */
export function expectEnvelope(res: Reply, status: number, code?: string, context = '') {
  const where = `${context} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 500)}`;
  expect(res.status, where).toBe(status);
  expect(res.body?.error, where).toBeTypeOf('object');
  expect(res.body.error.code, where).toBeTypeOf('string');
  if (code) expect(res.body.error.code, where).toBe(code);
  expect(res.body.error.message, where).toBeTypeOf('string');
  expect(res.body.error.request_id, where).toBeTypeOf('string');
  expect(res.body.error.request_id, where).toBe(res.headers['x-request-id']);
  if (res.body.error.code === 'VALIDATION_ERROR') {
    expect(res.body.error.details, where).toBeInstanceOf(Array);
    expect(res.body.error.details.length, where).toBeGreaterThan(0);
    for (const d of res.body.error.details) {
      expect(d.field, where).toBeTypeOf('string');
      expect(d.message, where).toBeTypeOf('string');
    }
  }
}

/** A finished inbound call on an extension, as the call journal would have stored it (setup only). */
export async function insertCallLog(ctx: AppContext, organizationId: string, extensionId: string | null): Promise<string> {
  const id = newId();
  const now = nowIso();
  await ctx.db
    .insertInto('call_logs')
    .values({
      id,
      organization_id: organizationId,
      call_id: `call-${id}`,
      direction: 'inbound',
      direction_raw: 'incoming',
      from_number: '+15550109999',
      to_number: '+15550100001',
      did_id: null,
      extension_id: extensionId,
      ring_group_id: null,
      status: 'completed',
      status_source: 'cdr',
      status_raw: 'ANSWER',
      disposition_raw: 'ANSWER',
      sip_call_id: null,
      answer_time: now,
      end_time: now,
      duration: 42,
      recording_url: null,
      cloudonix_cdr: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

let sequence = 0;
/** Unique within a test file (each file has its own database). */
export const seq = () => ++sequence;
