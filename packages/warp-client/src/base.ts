import type { AuthResponse, AuthTokens, MfaConfirmResponse, MfaEnrolResponse, PaginationMeta, ResponseMeta, User } from '@warp/contract';

import { ApiError, createApiError } from './errors.js';
import { ACCESS_TOKEN_KEY, CUSTOMER_ID_KEY, defaultStorage, REFRESH_TOKEN_KEY, type TokenStorage } from './storage.js';

export const DEFAULT_BASE_URL = 'http://localhost:8080/v1';
export const CLIENT_VERSION = '1.0.0';

export interface RetryInfo {
  method: string;
  url: string;
  /** 1 for the first retry */
  attempt: number;
  delayMs: number;
  /** the HTTP status that caused it, or 0 for a network error */
  status: number;
}

export interface ApiConfig {
  /** default http://localhost:8080/v1 */
  baseUrl?: string;
  /** per attempt, milliseconds (default 30000) */
  timeout?: number;
  /** retries of idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE) after network errors, 429, 502, 503, 504 (default 3) */
  retryAttempts?: number;
  /** base of the exponential backoff, milliseconds (default 1000): delay n is retryDelay·2^(n-1), half of it jittered */
  retryDelay?: number;
  /** longest wait between attempts; a `Retry-After` longer than this is not waited for (default 30000) */
  maxRetryDelay?: number;
  /** where tokens live (default localStorage in a browser, memory elsewhere) */
  storage?: TokenStorage;
  /** called once when a refresh is refused: the tokens are already cleared (the seed assigned window.location) */
  onSessionExpired?: (error: ApiError) => void;
  /** observes each retry (logging, metrics) */
  onRetry?: (info: RetryInfo) => void;
  /** sent on every request, e.g. `X-Customer-ID` for staff acting on one customer */
  headers?: Record<string, string>;
  /** default: the global fetch (Node 20's undici, or the browser's) */
  fetch?: typeof fetch;
}

/** The seed's success envelope; `meta` is absent only on empty (204) answers. */
export interface ApiResponse<T> {
  data: T;
  meta?: ResponseMeta;
}
export interface ApiListResponse<T> extends ApiResponse<T[]> {
  meta?: ResponseMeta & { pagination: PaginationMeta };
}

/** Options every read method takes last: React Query passes its `signal` through here. */
export interface CallOptions {
  signal?: AbortSignal;
  timeout?: number;
  headers?: Record<string, string>;
}

export interface RequestOptions extends CallOptions {
  method?: string;
  /** a JSON string, FormData, Blob or URLSearchParams */
  body?: BodyInit | null;
  /** false: send no Authorization header and never refresh on 401 (login, refresh) */
  auth?: boolean;
}

export type QueryParams = Record<string, string | number | boolean | Date | null | undefined | ReadonlyArray<string | number>>;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/** One path segment, so an id can never walk to another route. */
export const seg = (value: string | number): string => encodeURIComponent(String(value));

export class BaseApiClient {
  protected config: Required<Omit<ApiConfig, 'onSessionExpired' | 'onRetry' | 'fetch' | 'storage' | 'headers'>> &
    Pick<ApiConfig, 'onSessionExpired' | 'onRetry' | 'headers'>;
  protected token: string | null = null;
  protected refreshToken: string | null = null;
  protected readonly storage: TokenStorage;
  private refreshPromise: Promise<void> | null = null;
  private readonly fetchImpl: typeof fetch;

  constructor(config: ApiConfig = {}) {
    this.config = {
      baseUrl: DEFAULT_BASE_URL,
      timeout: 30000,
      retryAttempts: 3,
      retryDelay: 1000,
      maxRetryDelay: 30000,
      ...config,
    };
    this.config.baseUrl = this.config.baseUrl.replace(/\/+$/, '');
    this.storage = config.storage ?? defaultStorage();
    const fetchImpl = config.fetch ?? globalThis.fetch;
    // A bare reference to the global fetch must be called on globalThis (browsers throw "Illegal invocation").
    this.fetchImpl = (input, init) => fetchImpl.call(globalThis, input, init);
    this.loadTokens();
    bindMethods(this);
  }

  // ==================== Tokens ====================

  private loadTokens(): void {
    this.token = this.storage.getItem(ACCESS_TOKEN_KEY);
    this.refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
  }

  public setTokens(accessToken: string, refreshToken: string): void {
    this.token = accessToken;
    this.refreshToken = refreshToken;
    this.storage.setItem(ACCESS_TOKEN_KEY, accessToken);
    this.storage.setItem(REFRESH_TOKEN_KEY, refreshToken);
  }

  /** Also forgets the cached customer id, so the next user of this client never sees the last one's account. */
  public clearTokens(): void {
    this.token = null;
    this.refreshToken = null;
    this.storage.removeItem(ACCESS_TOKEN_KEY);
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    this.storage.removeItem(CUSTOMER_ID_KEY);
  }

  public getAccessToken(): string | null {
    return this.token;
  }

  public isAuthenticated(): boolean {
    return this.token !== null;
  }

  /** `X-Customer-ID` (an id or a BAN) on every request: staff, or a user of several accounts, acting on one. */
  public setCustomerContext(customerId: string | null): void {
    const headers = { ...this.config.headers };
    if (customerId) headers['X-Customer-ID'] = customerId;
    else delete headers['X-Customer-ID'];
    this.config.headers = headers;
    // The cached account id belongs to the previous context.
    this.storage.removeItem(CUSTOMER_ID_KEY);
  }

  // ==================== Authentication (both portals) ====================

  /** Stores the tokens it gets (the seed left that to the caller; calling setTokens afterwards still works). */
  async login(email: string, password: string, mfaCode?: string): Promise<ApiResponse<AuthResponse>> {
    const result = await this.request<AuthResponse>('/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email, password, mfa_code: mfaCode }),
      auth: false,
    });
    this.clearTokens();
    const { access_token, refresh_token } = result.data ?? {};
    if (typeof access_token === 'string' && typeof refresh_token === 'string') this.setTokens(access_token, refresh_token);
    return result;
  }

  /** Clears the tokens even when the server call fails (an expired session must still end locally). */
  async logout(): Promise<ApiResponse<unknown>> {
    try {
      return await this.request('/auth/logout', { method: 'POST', body: '{}' });
    } finally {
      this.clearTokens();
    }
  }

  /** The signed-in user (not in the seed; WARP's `GET /auth/me`). */
  async getMe(options?: CallOptions): Promise<ApiResponse<User>> {
    return this.get<User>('/auth/me', undefined, options);
  }

  /** TOTP enrolment: the secret, its otpauth URL and a QR code (PNG data URL). Not in the seed. */
  async enrollMfa(): Promise<ApiResponse<MfaEnrolResponse>> {
    return this.post<MfaEnrolResponse>('/auth/mfa/enroll', {});
  }

  /** Turns MFA on with a current code; answers the single-use recovery codes once. */
  async confirmMfa(code: string): Promise<ApiResponse<MfaConfirmResponse>> {
    return this.post<MfaConfirmResponse>('/auth/mfa/confirm', { code });
  }

  async disableMfa(password: string, code: string): Promise<ApiResponse<void>> {
    return this.post<void>('/auth/mfa/disable', { password, code });
  }

  /** Uses an API key (`warp_live_…`) as the bearer: kept in memory only, never refreshed. */
  public setApiKey(apiKey: string): void {
    this.clearTokens();
    this.token = apiKey;
  }

  /** Rotates the tokens now (requests do this by themselves on a 401). */
  async refreshSession(): Promise<void> {
    await this.singleFlightRefresh();
  }

  // ==================== Core request ====================

  protected async request<T>(endpoint: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const method = (options.method ?? 'GET').toUpperCase();
    const url = `${this.config.baseUrl}${endpoint}`;
    const maxRetries = IDEMPOTENT.has(method) ? Math.max(0, this.config.retryAttempts) : 0;
    const useAuth = options.auth !== false;
    let retries = 0;
    let replayed = false;

    for (;;) {
      const sentToken = useAuth ? this.token : null;
      let answer: { response: Response; body: unknown };
      try {
        answer = await this.send(url, method, options, sentToken);
      } catch (error) {
        if (error instanceof ApiError && error.statusCode === 0 && retries < maxRetries) {
          retries += 1;
          await this.backoff({ method, url, attempt: retries, status: 0 }, null, options.signal);
          continue;
        }
        throw error;
      }
      const { response, body } = answer;
      if (response.ok) return envelope<T>(body);

      // One refresh, shared by every request that got a 401 for the same token, then one replay at most.
      if (response.status === 401 && useAuth && !replayed && (this.refreshToken || this.token !== sentToken)) {
        replayed = true;
        await this.afterUnauthorized(sentToken);
        continue;
      }
      if (RETRY_STATUSES.has(response.status) && retries < maxRetries) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        if (retryAfter === null || retryAfter <= this.config.maxRetryDelay) {
          retries += 1;
          await this.backoff({ method, url, attempt: retries, status: response.status }, retryAfter, options.signal);
          continue;
        }
      }
      throw createApiError(response.status, body, response.statusText);
    }
  }

  /** One HTTP exchange under the timeout and the caller's signal; the body is read (and parsed) inside both. */
  private async send(url: string, method: string, options: RequestOptions, token: string | null): Promise<{ response: Response; body: unknown }> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'X-Client-Version': CLIENT_VERSION,
      ...this.config.headers,
      ...options.headers,
    };
    // Only JSON bodies are labelled: FormData, Blob and URLSearchParams carry their own type (multipart boundary).
    if (typeof options.body === 'string') headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;

    const callerSignal = options.signal;
    callerSignal?.throwIfAborted();
    const timeoutMs = options.timeout ?? this.config.timeout;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.fetchImpl(url, { method, headers, body: options.body ?? null, signal: controller.signal });
      const body = await readBody(response);
      return { response, body };
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (timedOut) throw new ApiError(408, 'REQUEST_TIMEOUT', `Request timeout after ${timeoutMs} ms`);
      const cause = error as { message?: string; cause?: { code?: string; message?: string } };
      throw new ApiError(0, 'NETWORK_ERROR', cause.cause?.message ?? cause.message ?? 'Network error', cause.cause?.code ? { cause: cause.cause.code } : {});
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    }
  }

  private async backoff(info: Omit<RetryInfo, 'delayMs'>, retryAfterMs: number | null, signal?: AbortSignal): Promise<void> {
    const exp = Math.min(this.config.maxRetryDelay, this.config.retryDelay * 2 ** (info.attempt - 1));
    // Equal jitter: half fixed, half random, so clients that failed together do not retry together.
    const jittered = exp / 2 + Math.random() * (exp / 2);
    const delayMs = Math.round(retryAfterMs !== null ? Math.max(retryAfterMs, jittered) : jittered);
    this.config.onRetry?.({ ...info, delayMs });
    await sleep(delayMs, signal);
  }

  private async afterUnauthorized(sentToken: string | null): Promise<void> {
    // Another request refreshed while this one was in flight: replay with the new token.
    if (this.token !== null && this.token !== sentToken) return;
    await this.singleFlightRefresh();
  }

  private singleFlightRefresh(): Promise<void> {
    this.refreshPromise ??= this.performTokenRefresh().finally(() => {
      this.refreshPromise = null;
    });
    return this.refreshPromise;
  }

  private async performTokenRefresh(): Promise<void> {
    const refreshToken = this.refreshToken;
    if (!refreshToken) throw this.sessionExpired(new ApiError(401, 'UNAUTHORIZED', 'No refresh token'));
    // Network errors and 5xx keep the tokens: the session may still be good once the server answers.
    const { response, body } = await this.send(
      `${this.config.baseUrl}/auth/refresh`,
      'POST',
      {
        body: JSON.stringify({ refresh_token: refreshToken }),
      },
      null,
    );
    if (!response.ok) {
      const error = createApiError(response.status, body, response.statusText);
      if (response.status >= 500) throw error;
      throw this.sessionExpired(error);
    }
    const answer = body as Partial<AuthTokens> & { data?: Partial<AuthTokens> };
    const access = answer?.access_token ?? answer?.data?.access_token;
    const refresh = answer?.refresh_token ?? answer?.data?.refresh_token;
    if (!access || !refresh) throw this.sessionExpired(new ApiError(401, 'UNAUTHORIZED', 'Refresh answered no tokens'));
    this.setTokens(access, refresh);
  }

  private sessionExpired(cause: ApiError): ApiError {
    this.clearTokens();
    const error = new ApiError(401, 'SESSION_EXPIRED', 'Session expired, sign in again', cause.details, cause.requestId);
    try {
      this.config.onSessionExpired?.(error);
    } catch {
      // a failing hook must not hide the error from the request that hit it
    }
    return error;
  }

  // ==================== Helpers ====================

  protected buildQueryString(params: QueryParams): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined || value === null) continue;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) search.append(key, v instanceof Date ? v.toISOString() : String(v));
    }
    return search.toString();
  }

  protected get<T>(endpoint: string, params?: QueryParams, options?: CallOptions): Promise<ApiResponse<T>> {
    const query = params ? this.buildQueryString(params) : '';
    return this.request<T>(query ? `${endpoint}?${query}` : endpoint, { ...options, method: 'GET' });
  }

  protected post<T>(endpoint: string, data?: unknown, options?: CallOptions): Promise<ApiResponse<T>> {
    return this.request<T>(endpoint, { ...options, method: 'POST', body: JSON.stringify(data ?? {}) });
  }

  protected patch<T>(endpoint: string, data: unknown, options?: CallOptions): Promise<ApiResponse<T>> {
    return this.request<T>(endpoint, { ...options, method: 'PATCH', body: JSON.stringify(data) });
  }

  protected put<T>(endpoint: string, data: unknown, options?: CallOptions): Promise<ApiResponse<T>> {
    return this.request<T>(endpoint, { ...options, method: 'PUT', body: JSON.stringify(data) });
  }

  protected delete<T = void>(endpoint: string, options?: CallOptions): Promise<ApiResponse<T>> {
    return this.request<T>(endpoint, { ...options, method: 'DELETE' });
  }

  /** Multipart upload (no JSON Content-Type: fetch writes the boundary). */
  protected upload<T>(endpoint: string, form: FormData, options?: CallOptions): Promise<ApiResponse<T>> {
    return this.request<T>(endpoint, { ...options, method: 'POST', body: form });
  }
}

/** An empty body (204, or a 200 with nothing) is `undefined`, not a JSON.parse crash; non-JSON stays text. */
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function envelope<T>(body: unknown): ApiResponse<T> {
  if (body && typeof body === 'object' && 'data' in body) return body as ApiResponse<T>;
  return { data: body as T };
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Binds every method to the instance, so `queryFn: client.getBalance` keeps its `this` (the seed's hooks lost it). */
function bindMethods(instance: object): void {
  const seen = new Set<string>();
  for (let proto = Object.getPrototypeOf(instance); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || seen.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (typeof descriptor?.value !== 'function') continue;
      seen.add(name);
      Object.defineProperty(instance, name, { value: descriptor.value.bind(instance), writable: true, configurable: true });
    }
  }
}
