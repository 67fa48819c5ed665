import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A small stand-in for NetSuite's REST record API and OAuth 2.0 token endpoint, following the public
 * contract in ../shared/reference/netsuite-rest.md: 204 + Location on create/update/delete with a JSON
 * content type and an empty body, collections of ids and links, `q` with `IS "value"`, `o:errorDetails`
 * errors, Basic client auth and PKCE S256 on the token endpoint, refresh answers without a new refresh
 * token, client-credentials answers with none. Only what the client tests need; the full sandbox is later.
 */

export interface FakeNetSuite {
  baseUrl: string;
  tokenUrl: string;
  /** the code the "browser" brought back, registered with the challenge it was issued for */
  authorize(codeChallenge: string): string;
  /** makes NetSuite stop accepting every access token issued so far (as if revoked or expired early) */
  revokeAccessTokens(): void;
  /** while true, every access token is refused (even ones issued a moment ago) */
  refuseAllTokens(on: boolean): void;
  /** the next `times` record requests answer `status` */
  failNext(status: number, times: number): void;
  tokenRequests: Array<{ grant: string; basic: string | null; form: Record<string, string> }>;
  recordRequests: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string }>;
  records: Map<string, Map<string, Record<string, unknown>>>;
  close(): Promise<void>;
}

export const CLIENT_ID = 'warp-client-id';
export const CLIENT_SECRET = 'warp-client-secret';

export async function startFakeNetSuite(): Promise<FakeNetSuite> {
  const codes = new Map<string, string>();
  const access = new Set<string>();
  const refresh = new Set<string>();
  const records = new Map<string, Map<string, Record<string, unknown>>>();
  const tokenRequests: FakeNetSuite['tokenRequests'] = [];
  const recordRequests: FakeNetSuite['recordRequests'] = [];
  const failures: number[] = [];
  let nextId = 100;
  let jobs = 0;
  let origin = '';
  let refuseAll = false;

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, detail: string, path?: string) =>
    send(res, status, {
      type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html',
      title: 'Error',
      status,
      'o:errorDetails': [{ detail, 'o:errorCode': code, ...(path ? { 'o:errorPath': path } : {}) }],
    });
  const issue = (withRefresh: boolean) => {
    const token = randomBytes(12).toString('hex');
    access.add(token);
    const answer: Record<string, unknown> = { access_token: token, token_type: 'bearer', expires_in: '3600' };
    if (withRefresh) {
      const r = randomBytes(12).toString('hex');
      refresh.add(r);
      answer.refresh_token = r;
    }
    return answer;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname === '/services/rest/auth/oauth2/v1/token') return token(req, res, body);
      recordRequests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers, body });
      const failure = failures.shift();
      if (failure) return error(res, failure, failure === 429 ? 'CONCURRENCY_LIMIT_EXCEEDED' : 'UNEXPECTED_ERROR', 'Try again later');
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !access.has(bearer) || refuseAll)
        return error(res, 401, 'INVALID_LOGIN', 'Invalid login attempt. For more details, see the Login Audit Trail.');
      const match = /^\/services\/rest\/record\/v1\/([A-Za-z]+)(?:\/([^/]+))?$/.exec(url.pathname);
      if (!match) return error(res, 404, 'NONEXISTENT_ID', `No such resource ${url.pathname}`);
      const type = match[1]!.toLowerCase();
      const id = match[2] ? decodeURIComponent(match[2]) : undefined;
      const table = records.get(type) ?? new Map<string, Record<string, unknown>>();
      records.set(type, table);
      const self = (rid: string) => `${origin}/services/rest/record/v1/${match[1]}/${rid}`;
      const method = req.method ?? 'GET';

      if (!id && method === 'GET') {
        let rows = [...table.values()];
        const q = url.searchParams.get('q');
        if (q) {
          const m = /^(\w+) IS "([^"]*)"$/.exec(q);
          if (!m) return error(res, 400, 'INVALID_PARAMETER', 'Invalid search query', 'q');
          rows = rows.filter((r) => String(r[m[1]!]) === m[2]);
        }
        const limit = Number(url.searchParams.get('limit') ?? 1000);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const page = rows.slice(offset, offset + limit);
        return send(res, 200, {
          links: [{ rel: 'self', href: url.toString() }],
          count: page.length,
          hasMore: offset + limit < rows.length,
          offset,
          totalResults: rows.length,
          items: page.map((r) => ({ links: [{ rel: 'self', href: self(String(r.id)) }], id: String(r.id) })),
        });
      }
      if (!id && method === 'POST') {
        const parsed = JSON.parse(body || '{}') as Record<string, unknown>;
        if (req.headers.prefer === 'respond-async') {
          if (!String(req.headers['content-type']).includes('type=collection')) return error(res, 400, 'INVALID_CONTENT', 'Batch needs the collection type');
          const items = parsed.items as unknown[];
          if (!Array.isArray(items) || items.length > 100) return error(res, 400, 'INVALID_CONTENT', 'At most 100 items');
          jobs += 1;
          return send(res, 202, undefined, { location: `/services/rest/async/v1/job/${jobs}`, 'preference-applied': 'respond-async' });
        }
        if (type === 'customer' && !parsed.companyName && !parsed.isPerson) {
          return error(res, 400, 'USER_ERROR', 'Error while accessing a resource. Please enter value(s) for: Company Name.', 'companyName');
        }
        if (parsed.externalId && [...table.values()].some((r) => r.externalId === parsed.externalId)) {
          return error(res, 400, 'USER_ERROR', 'A record with this external ID already exists.', 'externalId');
        }
        const rid = String(nextId++);
        table.set(rid, { ...parsed, id: rid });
        return send(res, 204, undefined, { location: self(rid) });
      }
      if (!id) return error(res, 405, 'INVALID_REQUEST', 'Method not allowed');
      if (id.startsWith('eid:') && method === 'PUT') {
        const ext = id.slice(4);
        const existing = [...table.values()].find((r) => r.externalId === ext);
        const rid = existing ? String(existing.id) : String(nextId++);
        table.set(rid, { ...(existing ?? {}), ...JSON.parse(body || '{}'), id: rid, externalId: ext });
        return send(res, 204);
      }
      const row = table.get(id);
      if (!row) return error(res, 404, 'NONEXISTENT_ID', `Record ${id} was not found.`);
      if (method === 'GET') return send(res, 200, { links: [{ rel: 'self', href: self(id) }], ...row });
      if (method === 'PATCH') {
        table.set(id, { ...row, ...JSON.parse(body || '{}'), id });
        return send(res, 204, undefined, { location: self(id) });
      }
      if (method === 'DELETE') {
        table.delete(id);
        return send(res, 204);
      }
      return error(res, 405, 'INVALID_REQUEST', 'Method not allowed');
    });
  });

  function token(req: IncomingMessage, res: ServerResponse, body: string) {
    const form = Object.fromEntries(new URLSearchParams(body));
    const basic = req.headers.authorization?.startsWith('Basic ') ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString() : null;
    tokenRequests.push({ grant: form.grant_type ?? '', basic, form });
    const oauthError = (status: number, code: string) => send(res, status, { error: code });
    if (form.grant_type === 'client_credentials') {
      if (basic) return oauthError(400, 'invalid_request');
      if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' || !form.client_assertion)
        return oauthError(400, 'invalid_client');
      return send(res, 200, issue(false));
    }
    if (basic !== `${CLIENT_ID}:${CLIENT_SECRET}`) return oauthError(401, 'invalid_client');
    if (form.grant_type === 'authorization_code') {
      const challenge = codes.get(form.code ?? '');
      codes.delete(form.code ?? '');
      const computed = createHash('sha256')
        .update(form.code_verifier ?? '')
        .digest('base64url');
      if (!challenge || challenge !== computed) return oauthError(400, 'invalid_grant');
      return send(res, 200, issue(true));
    }
    if (form.grant_type === 'refresh_token') {
      if (!refresh.has(form.refresh_token ?? '')) return oauthError(400, 'invalid_grant');
      return send(res, 200, issue(false)); // confidential clients keep their refresh token
    }
    return oauthError(400, 'unsupported_grant_type');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `${origin}/services/rest`,
    tokenUrl: `${origin}/services/rest/auth/oauth2/v1/token`,
    authorize: (challenge) => {
      const code = randomBytes(8).toString('hex');
      codes.set(code, challenge);
      return code;
    },
    revokeAccessTokens: () => access.clear(),
    refuseAllTokens: (on) => void (refuseAll = on),
    failNext: (status, times) => failures.push(...Array.from({ length: times }, () => status)),
    tokenRequests,
    recordRequests,
    records,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
