import type {
  NetSuiteCollection,
  NetSuiteCompanyInfo,
  NetSuiteCustomer,
  NetSuiteErrorBody,
  NetSuiteInvoice,
  NetSuiteItem,
  NetSuiteJournalEntry,
  NetSuitePayment,
  NetSuiteSubsidiary,
  NetSuiteSyncStatus,
  NetSuiteTokenResponse,
} from '@warp/contract';

/*
 * The seed's NetSuiteApiClient and NetSuiteTokenManager, against NetSuite's public REST contract
 * (../shared/reference/netsuite-rest.md). A server-side client (it holds the client secret); it runs in
 * Node 20 on the global fetch. Fixed against the seed: the token endpoint gets HTTP Basic client auth and
 * PKCE (S256) with a checked state; a 401 refreshes once and replays once (the seed recursed forever);
 * create/update/delete answer 204 with no body (the seed called response.json()); records come back by
 * reading the `Location` the 204 carries; `serviceItem` and `.../bulk` do not exist in NetSuite, so items use
 * `serviceSaleItem` and bulk writes use the async collection batch (≤ 100 per request); `q` values are
 * quoted safely; tokens live in a pluggable store (the seed wrote them to localStorage "as Redis");
 * the client-credentials (M2M) grant is supported with a caller-supplied signed assertion.
 */

export interface NetSuiteConfig {
  accountId: string;
  /** `https://<host-id>.suitetalk.api.netsuite.com/services/rest` (take it from Company URLs, don't build it) */
  baseUrl: string;
  /** `https://<host-id>.app.netsuite.com/app/login/oauth2/authorize.nl` */
  authUrl: string;
  /** `<baseUrl>/auth/oauth2/v1/token` */
  tokenUrl: string;
  clientId: string;
  /** absent for public clients */
  clientSecret?: string;
  redirectUri: string;
  /** default `rest_webservices` */
  scope?: string;
  /** per request, ms (default 30000) */
  timeout?: number;
  /** retries of GET/PUT/DELETE on 429, 5xx and network errors (default 3) */
  retryAttempts?: number;
  /** backoff base, ms (default 1000) */
  retryDelay?: number;
}

export interface StoredNetSuiteTokens {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  /** epoch ms */
  expires_at: number;
}

/** Where tokens are kept: WARP's server keeps them encrypted in its database; tests and scripts in memory. */
export interface NetSuiteTokenStore {
  get(): Promise<StoredNetSuiteTokens | null>;
  set(tokens: StoredNetSuiteTokens): Promise<void>;
  clear(): Promise<void>;
}

export function memoryNetSuiteTokenStore(initial: StoredNetSuiteTokens | null = null): NetSuiteTokenStore {
  let tokens = initial;
  return {
    get: async () => tokens,
    set: async (t) => void (tokens = t),
    clear: async () => void (tokens = null),
  };
}

export interface NetSuiteOptions {
  store?: NetSuiteTokenStore;
  /**
   * For the client-credentials (M2M) grant: returns a signed JWT assertion (header `kid` = certificate id,
   * PS256/ES256; payload iss = client id, scope, aud = token URL, iat, exp ≤ 60 min). Without it the client
   * uses the authorization-code grant and its refresh token.
   */
  clientAssertion?: () => Promise<string>;
  fetch?: typeof fetch;
  /** where getSyncStatus() reads WARP's own sync status (e.g. an AdminApiClient's getNetSuiteSyncStatus) */
  syncStatus?: () => Promise<NetSuiteSyncStatus>;
}

export class NetSuiteApiError extends Error {
  override readonly name = 'NetSuiteApiError';
  /** `o:errorCode` of the first detail (or of the flat legacy shape) */
  readonly code: string;
  constructor(
    public statusCode: number,
    public details: NetSuiteErrorBody | Record<string, unknown>,
  ) {
    const body = details as NetSuiteErrorBody;
    const first = body['o:errorDetails']?.[0];
    super(first?.detail ?? body.title ?? (details as { message?: string }).message ?? `NetSuite API error: ${statusCode}`);
    this.code = first?.['o:errorCode'] ?? body['o:errorCode'] ?? (statusCode === 0 ? 'NETWORK_ERROR' : 'UNKNOWN_ERROR');
  }
}

/** An accepted async batch: the job to follow with `GET async/v1/job/{id}`. */
export interface NetSuiteAsyncJob {
  location: string;
  records: number;
}

const BATCH_LIMIT = 100;
const idFromLocation = (location: string) => decodeURIComponent(location.replace(/\/+$/, '').split('/').pop() ?? '');

// ---------------------------------------------------------------- token manager

export class NetSuiteTokenManager {
  private refreshLock: Promise<StoredNetSuiteTokens> | null = null;
  private readonly store: NetSuiteTokenStore;
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly config: NetSuiteConfig,
    private readonly options: NetSuiteOptions = {},
  ) {
    this.store = options.store ?? memoryNetSuiteTokenStore();
    const f = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => f.call(globalThis, input, init);
  }

  async getValidToken(): Promise<string> {
    const tokens = await this.store.get();
    if (!tokens) {
      if (this.options.clientAssertion) return this.refreshToken();
      throw new NetSuiteApiError(401, { message: 'No NetSuite tokens available. Please authorize first.' });
    }
    if (this.isTokenExpiring(tokens)) return this.refreshToken();
    return tokens.access_token;
  }

  /** One refresh at a time; callers that arrive meanwhile share it. */
  async refreshToken(): Promise<string> {
    this.refreshLock ??= this.performRefresh().finally(() => {
      this.refreshLock = null;
    });
    return (await this.refreshLock).access_token;
  }

  /** Exchanges an authorization code (with its PKCE verifier) for tokens and stores them. */
  async exchangeCode(code: string, codeVerifier: string): Promise<StoredNetSuiteTokens> {
    return this.tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: this.config.redirectUri, code_verifier: codeVerifier });
  }

  async saveTokens(tokens: NetSuiteTokenResponse, previousRefresh?: string): Promise<StoredNetSuiteTokens> {
    const stored: StoredNetSuiteTokens = {
      access_token: tokens.access_token,
      // Confidential clients keep their refresh token (no rotation): a refresh answer without one keeps the old.
      refresh_token: tokens.refresh_token ?? previousRefresh,
      token_type: tokens.token_type,
      expires_at: Date.now() + Number(tokens.expires_in) * 1000,
    };
    await this.store.set(stored);
    return stored;
  }

  async clear(): Promise<void> {
    await this.store.clear();
  }

  private async performRefresh(): Promise<StoredNetSuiteTokens> {
    const tokens = await this.store.get();
    if (tokens?.refresh_token) return this.tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, tokens.refresh_token);
    if (this.options.clientAssertion) {
      return this.tokenRequest({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await this.options.clientAssertion(),
      });
    }
    throw new NetSuiteApiError(401, { message: 'No refresh token available. Please authorize again.' });
  }

  private async tokenRequest(form: Record<string, string>, previousRefresh?: string): Promise<StoredNetSuiteTokens> {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
    const body = new URLSearchParams(form);
    // NetSuite authenticates confidential clients with HTTP Basic; M2M uses the assertion and no Basic header.
    if (form.grant_type !== 'client_credentials') {
      if (this.config.clientSecret) headers.Authorization = `Basic ${btoa(`${this.config.clientId}:${this.config.clientSecret}`)}`;
      else body.set('client_id', this.config.clientId);
    }
    const response = await this.fetchImpl(this.config.tokenUrl, { method: 'POST', headers, body });
    const text = await response.text();
    const data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      // invalid_grant: the refresh token expired or was revoked; only a new authorization helps.
      if (data.error === 'invalid_grant') await this.store.clear();
      throw new NetSuiteApiError(response.status, { message: `NetSuite token request failed: ${String(data.error ?? response.status)}`, ...data });
    }
    return this.saveTokens(data as unknown as NetSuiteTokenResponse, previousRefresh);
  }

  private isTokenExpiring(tokens: StoredNetSuiteTokens): boolean {
    // Refresh if less than 5 minutes remain.
    return Date.now() >= tokens.expires_at - 5 * 60 * 1000;
  }
}

// ---------------------------------------------------------------- client

type ListParams = { q?: string; limit?: number; offset?: number };

export class NetSuiteApiClient {
  private readonly tokenManager: NetSuiteTokenManager;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  /** state → PKCE verifier of authorizations started by this process */
  private readonly pending = new Map<string, string>();

  constructor(
    private readonly config: NetSuiteConfig,
    private readonly options: NetSuiteOptions = {},
  ) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.tokenManager = new NetSuiteTokenManager(config, options);
    const f = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => f.call(globalThis, input, init);
  }

  get tokens(): NetSuiteTokenManager {
    return this.tokenManager;
  }

  // ==================== OAuth Management ====================

  /** The authorize URL plus the state and PKCE verifier, for callers that keep them elsewhere (several instances). */
  async createAuthorizationRequest(state?: string): Promise<{ url: string; state: string; codeVerifier: string }> {
    const s = state ?? randomToken(32);
    if (s.length < 22 || s.length > 1024) throw new Error('state must be 22 to 1024 characters');
    const codeVerifier = randomToken(48);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier)));
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      scope: this.config.scope ?? 'rest_webservices',
      redirect_uri: this.config.redirectUri,
      state: s,
      code_challenge: base64url(digest),
      code_challenge_method: 'S256',
    });
    return { url: `${this.config.authUrl}?${params.toString()}`, state: s, codeVerifier };
  }

  /** The seed's entry point: the URL to send the admin's browser to. */
  async initializeOAuth(state?: string): Promise<string> {
    const request = await this.createAuthorizationRequest(state);
    this.pending.set(request.state, request.codeVerifier);
    return request.url;
  }

  /** Checks the state (the seed ignored it) and exchanges the code with its PKCE verifier. */
  async handleCallback(code: string, state: string, codeVerifier?: string): Promise<void> {
    const verifier = codeVerifier ?? this.pending.get(state);
    if (!verifier) throw new NetSuiteApiError(400, { message: 'Unknown or reused OAuth state' });
    this.pending.delete(state);
    await this.tokenManager.exchangeCode(code, verifier);
  }

  // ==================== Request Handling ====================

  private async request<T>(
    endpoint: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ data: T; location: string | null }> {
    const method = init.method ?? 'GET';
    const idempotent = method === 'GET' || method === 'PUT' || method === 'DELETE';
    const maxRetries = idempotent ? (this.config.retryAttempts ?? 3) : 0;
    let retries = 0;
    let replayed = false;
    for (;;) {
      const token = await this.tokenManager.getValidToken();
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json', ...init.headers };
      if (init.body !== undefined) headers['Content-Type'] ??= 'application/json';
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(`${this.baseUrl}${endpoint}`, {
          method,
          headers,
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: AbortSignal.timeout(this.config.timeout ?? 30000),
        });
        text = await response.text();
      } catch (error) {
        if (retries < maxRetries) {
          retries += 1;
          await this.backoff(retries);
          continue;
        }
        const e = error as Error;
        throw new NetSuiteApiError(e.name === 'TimeoutError' ? 408 : 0, { message: `NetSuite API request failed: ${e.message}` });
      }
      // A token NetSuite no longer accepts: refresh once and replay once (the seed recursed forever).
      if (response.status === 401 && !replayed) {
        replayed = true;
        await this.tokenManager.refreshToken();
        continue;
      }
      if ((response.status === 429 || response.status >= 500) && retries < maxRetries) {
        retries += 1;
        await this.backoff(retries);
        continue;
      }
      let data: unknown;
      try {
        data = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        data = { message: text };
      }
      if (!response.ok) throw new NetSuiteApiError(response.status, (data ?? {}) as Record<string, unknown>);
      return { data: data as T, location: response.headers.get('location') };
    }
  }

  private async backoff(attempt: number): Promise<void> {
    const exp = (this.config.retryDelay ?? 1000) * 2 ** (attempt - 1);
    await new Promise((r) => setTimeout(r, exp / 2 + Math.random() * (exp / 2)));
  }

  private async list<T>(type: string, params?: ListParams) {
    return (await this.request<NetSuiteCollection<T>>(`/record/v1/${type}${query(params)}`)).data;
  }

  private async read<T>(type: string, id: string): Promise<T> {
    return (await this.request<T>(`/record/v1/${type}/${encodeURIComponent(id)}`)).data;
  }

  /** POST answers 204 + Location: read the new record back (NetSuite returns no body). */
  private async create<T>(type: string, body: unknown): Promise<T> {
    const { location } = await this.request<void>(`/record/v1/${type}`, { method: 'POST', body });
    if (!location) throw new NetSuiteApiError(502, { message: `NetSuite created a ${type} without a Location` });
    return this.read<T>(type, idFromLocation(location));
  }

  private async update<T>(type: string, id: string, body: unknown): Promise<T> {
    await this.request<void>(`/record/v1/${type}/${encodeURIComponent(id)}`, { method: 'PATCH', body });
    return this.read<T>(type, id);
  }

  // ==================== Company Information ====================
  /** @deprecated NetSuite's REST API has no `config/v1/companyinformation` (the reference found none); kept for the seed, expect 404. */
  async getCompanyInfo(): Promise<NetSuiteCompanyInfo> {
    return (await this.request<NetSuiteCompanyInfo>('/config/v1/companyinformation')).data;
  }

  // ==================== Subsidiaries ====================
  async getSubsidiaries(params?: { limit?: number; offset?: number }) {
    return this.list<NetSuiteSubsidiary>('subsidiary', params);
  }

  async getSubsidiary(id: string): Promise<NetSuiteSubsidiary> {
    return this.read('subsidiary', id);
  }

  // ==================== Customers ====================
  async getCustomers(params?: ListParams) {
    return this.list<NetSuiteCustomer>('customer', params);
  }

  async getCustomer(id: string): Promise<NetSuiteCustomer> {
    return this.read('customer', id);
  }

  async createCustomer(customer: Partial<NetSuiteCustomer>): Promise<NetSuiteCustomer> {
    return this.create('customer', customer);
  }

  async updateCustomer(id: string, updates: Partial<NetSuiteCustomer>): Promise<NetSuiteCustomer> {
    return this.update('customer', id, updates);
  }

  /** Idempotent write keyed by external id (`PUT record/v1/customer/eid:<key>`): safe to retry after a timeout. */
  async upsertCustomer(externalId: string, customer: Partial<NetSuiteCustomer>): Promise<void> {
    await this.request(`/record/v1/customer/eid:${encodeURIComponent(externalId)}`, { method: 'PUT', body: customer });
  }

  async deleteCustomer(id: string): Promise<void> {
    await this.request(`/record/v1/customer/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  async searchCustomerByWarpId(warpId: string): Promise<NetSuiteCustomer | null> {
    const result = await this.getCustomers({ q: `custentity_warp_customer_id IS ${quote(warpId)}`, limit: 1 });
    return result.items[0] ? this.getCustomer(result.items[0].id) : null;
  }

  // ==================== Invoices ====================
  async getInvoices(params?: ListParams) {
    return this.list<NetSuiteInvoice>('invoice', params);
  }

  async getInvoice(id: string): Promise<NetSuiteInvoice> {
    return this.read('invoice', id);
  }

  async createInvoice(invoice: Partial<NetSuiteInvoice>): Promise<NetSuiteInvoice> {
    return this.create('invoice', invoice);
  }

  async updateInvoice(id: string, updates: Partial<NetSuiteInvoice>): Promise<NetSuiteInvoice> {
    return this.update('invoice', id, updates);
  }

  async searchInvoiceByWarpId(warpInvoiceId: string): Promise<NetSuiteInvoice | null> {
    const result = await this.getInvoices({ q: `custbody_warp_invoice_id IS ${quote(warpInvoiceId)}`, limit: 1 });
    return result.items[0] ? this.getInvoice(result.items[0].id) : null;
  }

  // ==================== Payments ====================
  async getPayments(params?: ListParams) {
    return this.list<NetSuitePayment>('customerPayment', params);
  }

  async getPayment(id: string): Promise<NetSuitePayment> {
    return this.read('customerPayment', id);
  }

  async createPayment(payment: Partial<NetSuitePayment>): Promise<NetSuitePayment> {
    return this.create('customerPayment', payment);
  }

  // ==================== Items (Services/Products) ====================
  /** NetSuite has no plain `serviceItem` type: service items WARP sells are `serviceSaleItem`. */
  async getServiceItems(params?: { limit?: number; offset?: number }) {
    return this.list<NetSuiteItem>('serviceSaleItem', params);
  }

  async createServiceItem(item: Partial<NetSuiteItem>): Promise<NetSuiteItem> {
    return this.create('serviceSaleItem', item);
  }

  async getNonInventoryItems(params?: { limit?: number; offset?: number }) {
    return this.list<NetSuiteItem>('nonInventorySaleItem', params);
  }

  // ==================== Journal Entries ====================
  async getJournalEntries(params?: ListParams) {
    return this.list<NetSuiteJournalEntry>('journalEntry', params);
  }

  async createJournalEntry(entry: Partial<NetSuiteJournalEntry>): Promise<NetSuiteJournalEntry> {
    return this.create('journalEntry', entry);
  }

  // ==================== Bulk Operations ====================
  /** NetSuite has no `.../bulk`: batches go to the collection URL, async, at most 100 records each. */
  async bulkUpsertCustomers(customers: Partial<NetSuiteCustomer>[]): Promise<NetSuiteAsyncJob[]> {
    return this.batch('customer', customers);
  }

  async bulkCreateInvoices(invoices: Partial<NetSuiteInvoice>[]): Promise<NetSuiteAsyncJob[]> {
    return this.batch('invoice', invoices);
  }

  private async batch(type: string, records: unknown[]): Promise<NetSuiteAsyncJob[]> {
    const jobs: NetSuiteAsyncJob[] = [];
    for (let i = 0; i < records.length; i += BATCH_LIMIT) {
      const items = records.slice(i, i + BATCH_LIMIT);
      const { location } = await this.request(`/record/v1/${type}`, {
        method: 'POST',
        body: { items },
        headers: { Prefer: 'respond-async', 'Content-Type': 'application/vnd.oracle.resource+json; type=collection' },
      });
      jobs.push({ location: location ?? '', records: items.length });
    }
    return jobs;
  }

  // ==================== Helper Methods ====================
  async testConnection(): Promise<boolean> {
    try {
      // companyinformation does not exist; a one-row customer list proves the token and the account.
      await this.getCustomers({ limit: 1 });
      return true;
    } catch {
      return false;
    }
  }

  /** WARP's own sync status (tracked in WARP's database, not NetSuite), from `options.syncStatus`. */
  async getSyncStatus(): Promise<NetSuiteSyncStatus> {
    if (!this.options.syncStatus) throw new Error('getSyncStatus needs options.syncStatus (e.g. () => adminApi.getNetSuiteSyncStatus().then((r) => r.data))');
    return this.options.syncStatus();
  }
}

/** A `q` string value in double quotes; NetSuite documents no escape, so a quote in the value is refused. */
function quote(value: string): string {
  if (/["\r\n]/.test(value)) throw new Error('A NetSuite q value cannot contain quotes or line breaks');
  return `"${value}"`;
}

function query(params?: ListParams): string {
  if (!params) return '';
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

function randomToken(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
