import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import { simulateCall, type SimulateCallOptions } from './call.js';
import { isLoopbackUrl } from './http.js';
import { type LatencyStats, latencyStats } from './stats.js';
import type { CallTranscript } from './transcript.js';

/** What one load call does; baseUrl, key and (by default) domain come from the load options. */
export type LoadCall = Omit<SimulateCallOptions, 'baseUrl' | 'requestsKey' | 'domain' | 'signal' | 'loopbackOnly'> & {
  domain?: string;
};

export interface LoadOptions {
  baseUrl: string;
  requestsKey: string;
  domain: string;
  /** Calls started per second. */
  rate: number;
  /** Calls in flight at most; when full, the next start waits for a free slot. */
  concurrency: number;
  /** Calls are started during this window only. */
  durationSeconds: number;
  /** Cap on calls started (default rate × durationSeconds). */
  maxCalls?: number;
  /** After the window, in-flight calls get this long to finish before they are aborted (default 30). */
  drainSeconds?: number;
  makeCall: (index: number) => LoadCall | Promise<LoadCall>;
  /** Called with every finished call, e.g. to check outcomes. */
  onCall?: (transcript: CallTranscript, index: number) => void;
  signal?: AbortSignal;
}

export const LATENCY_KINDS = ['route', 'action', 'session-update', 'cdr'] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];

export interface LoadReport {
  startedCalls: number;
  /** Calls that ran to the end without any HTTP or CXML error. */
  completedCalls: number;
  /** Calls with at least one error (including aborted ones). */
  failedCalls: number;
  elapsedSeconds: number;
  /** completedCalls / elapsedSeconds. */
  callsPerSecond: number;
  /** CDR dispositions of the finished calls. */
  dispositions: Record<string, number>;
  /** Per request kind, ms. `action` includes redirects and status callbacks. */
  latency: Record<LatencyKind, LatencyStats>;
  /** Error messages grouped (ids and query strings removed), most frequent first. */
  errors: Array<{ message: string; count: number }>;
  limits: { rate: number; concurrency: number; durationSeconds: number; maxCalls: number; drainSeconds: number };
}

export const LOAD_LIMITS = { rate: 1000, concurrency: 5000, durationSeconds: 3600, maxCalls: 1_000_000, drainSeconds: 600 };

function check(name: string, value: number, max: number, min = 0): void {
  if (!Number.isFinite(value) || value <= min || value > max) {
    throw new Error(`${name} must be a number above ${min} and at most ${max} (got ${value})`);
  }
}

function errorKey(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\?\S*/g, '')
    .replace(/\b[0-9a-f]{32}\b/gi, '<token>');
}

/**
 * Load generator: starts calls at `rate` per second with at most `concurrency` in flight for `durationSeconds`,
 * then reports throughput, errors and per-kind latency. Loopback servers only: a load test is never pointed
 * at someone else's machine.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  check('rate', options.rate, LOAD_LIMITS.rate);
  check('concurrency', options.concurrency, LOAD_LIMITS.concurrency);
  check('durationSeconds', options.durationSeconds, LOAD_LIMITS.durationSeconds);
  const drainSeconds = options.drainSeconds ?? 30;
  check('drainSeconds', drainSeconds, LOAD_LIMITS.drainSeconds, -1);
  const maxCalls = Math.floor(options.maxCalls ?? Math.ceil(options.rate * options.durationSeconds));
  check('maxCalls', maxCalls, LOAD_LIMITS.maxCalls);
  if (!isLoopbackUrl(options.baseUrl)) {
    throw new Error(`load mode only targets loopback servers (localhost, 127.0.0.0/8, [::1]); got ${options.baseUrl}`);
  }

  const controller = new AbortController();
  // Every call in flight listens to it (each request's timeout is combined with it): not a leak.
  setMaxListeners(0, controller.signal);
  const abort = () => controller.abort();
  options.signal?.addEventListener('abort', abort, { once: true });

  const samples: Record<LatencyKind, number[]> = { route: [], action: [], 'session-update': [], cdr: [] };
  const dispositions: Record<string, number> = {};
  const errors = new Map<string, number>();
  let started = 0;
  let completed = 0;
  let failed = 0;
  const addError = (message: string) => errors.set(errorKey(message), (errors.get(errorKey(message)) ?? 0) + 1);

  const launch = async (index: number) => {
    try {
      const spec = await options.makeCall(index);
      for (const url of [spec.routeUrl, spec.sessionUpdateUrl, spec.cdrUrl]) {
        if (url && !isLoopbackUrl(url)) throw new Error(`load mode only targets loopback servers; got ${url}`);
      }
      const transcript = await simulateCall({
        ...spec,
        baseUrl: options.baseUrl,
        requestsKey: options.requestsKey,
        domain: spec.domain ?? options.domain,
        loopbackOnly: true,
        signal: controller.signal,
      });
      for (const exchange of transcript.exchanges) {
        if (exchange.status !== undefined) samples[exchange.kind === 'route' ? 'route' : 'action'].push(exchange.latencyMs);
      }
      for (const webhook of transcript.webhooks) if (webhook.status !== undefined) samples[webhook.kind].push(webhook.latencyMs);
      dispositions[transcript.outcome.disposition] = (dispositions[transcript.outcome.disposition] ?? 0) + 1;
      if (transcript.errors.length > 0) {
        failed += 1;
        for (const message of transcript.errors) addError(message);
      } else {
        completed += 1;
      }
      options.onCall?.(transcript, index);
    } catch (err) {
      failed += 1;
      addError((err as Error).message);
    }
  };

  const t0 = performance.now();
  const deadline = t0 + options.durationSeconds * 1000;
  const interval = 1000 / options.rate;
  const running = new Set<Promise<void>>();
  try {
    for (let index = 0; index < maxCalls && !controller.signal.aborted; index += 1) {
      const due = t0 + index * interval;
      if (due >= deadline) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait, undefined, { signal: controller.signal });
      if (running.size >= options.concurrency) {
        while (running.size >= options.concurrency) await Promise.race(running);
        // A start delayed by a full pipeline must still fall inside the window.
        if (performance.now() >= deadline || controller.signal.aborted) break;
      }
      started += 1;
      const call: Promise<void> = launch(index).finally(() => running.delete(call));
      running.add(call);
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  }

  const drainTimer = setTimeout(abort, drainSeconds * 1000);
  await Promise.all(running);
  clearTimeout(drainTimer);
  options.signal?.removeEventListener('abort', abort);

  const elapsedSeconds = (performance.now() - t0) / 1000;
  return {
    startedCalls: started,
    completedCalls: completed,
    failedCalls: failed,
    elapsedSeconds: Math.round(elapsedSeconds * 1000) / 1000,
    callsPerSecond: elapsedSeconds > 0 ? Math.round((completed / elapsedSeconds) * 100) / 100 : 0,
    dispositions,
    latency: {
      route: latencyStats(samples.route),
      action: latencyStats(samples.action),
      'session-update': latencyStats(samples['session-update']),
      cdr: latencyStats(samples.cdr),
    },
    errors: [...errors.entries()].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count),
    limits: { rate: options.rate, concurrency: options.concurrency, durationSeconds: options.durationSeconds, maxCalls, drainSeconds },
  };
}
