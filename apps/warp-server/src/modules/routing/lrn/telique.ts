import type { LrnResult } from '../engine/decide.js';

/**
 * LRN dips against Telique's `GET {base}/lrn/{tn}?format=json` (base e.g.
 * https://api-dev.ringer.tel/api/v1), authenticated with `x-api-token`. The JSON answer comes in two
 * shapes in Ringer's own documents — flat `{lrn, spid, lnp_type, activation_timestamp}` and
 * `{phone_number, lrn, status, metadata: {spid, …}}` — both are read. A number that is not ported
 * answers its own TN as the LRN; 404 means no record (route on the dialled number); 400, 401, 429,
 * 5xx, timeouts and unreadable answers are failures, which the routing failure policy handles.
 * Answers (not failures) are cached for `cacheTtlMs`.
 */
export interface LrnDipper {
  dip(tn: string): Promise<LrnResult>;
}

export interface TeliqueOptions {
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  cacheTtlMs?: number;
  /** most entries kept; the oldest go first */
  cacheSize?: number;
}

export class TeliqueLrnClient implements LrnDipper {
  private readonly cache = new Map<string, { result: LrnResult; expires: number }>();
  /** Dips made (cache misses), for tests and metrics. */
  dips = 0;

  constructor(private readonly options: TeliqueOptions) {}

  async dip(tn: string): Promise<LrnResult> {
    if (!/^[2-9]\d{9}$/.test(tn)) return { status: 'failed', error: 'not a 10-digit NANP number' };
    const now = Date.now();
    const hit = this.cache.get(tn);
    if (hit && hit.expires > now) return hit.result;
    if (hit) this.cache.delete(tn);
    this.dips++;
    const result = await this.fetchLrn(tn);
    if (result.status !== 'failed' && (this.options.cacheTtlMs ?? 0) > 0) {
      if (this.cache.size >= (this.options.cacheSize ?? 100_000)) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(tn, { result, expires: now + this.options.cacheTtlMs! });
    }
    return result;
  }

  private async fetchLrn(tn: string): Promise<LrnResult> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/lrn/${tn}?format=json`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...(this.options.token ? { 'x-api-token': this.options.token } : {}) },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 1500),
      });
    } catch (err) {
      return { status: 'failed', error: (err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' };
    }
    const text = await res.text().catch(() => '');
    if (res.status === 404) return { status: 'not_found' };
    if (!res.ok) {
      let code = '';
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '';
      } catch {
        code = text.trim().slice(0, 40);
      }
      return { status: 'failed', error: `HTTP ${res.status}${code ? ` ${code}` : ''}` };
    }
    try {
      const body = JSON.parse(text) as { lrn?: unknown };
      const lrn = typeof body.lrn === 'string' ? body.lrn.replace(/\D/g, '') : '';
      if (!/^[2-9]\d{9}$/.test(lrn)) return { status: 'failed', error: 'answer without a valid LRN' };
      return { status: 'found', lrn };
    } catch {
      return { status: 'failed', error: 'unreadable answer' };
    }
  }
}
