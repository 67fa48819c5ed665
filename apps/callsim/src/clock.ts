import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Simulated call time. Ringing, talking and prompts advance it instantly by default so a 40-second call
 * runs in milliseconds; a positive timeScale also sleeps (1 = real time, 0.1 = ten times faster) for demos.
 * HTTP round trips do not advance it, which keeps timestamps deterministic in tests.
 */
export class SimClock {
  private offsetMs = 0;

  constructor(
    readonly startMs: number,
    readonly timeScale = 0,
    private readonly signal?: AbortSignal,
  ) {}

  /** Epoch milliseconds of the simulated present. */
  now(): number {
    return this.startMs + this.offsetMs;
  }

  /** Seconds since the call started. */
  elapsed(): number {
    return this.offsetMs / 1000;
  }

  async advance(seconds: number): Promise<void> {
    if (!(seconds > 0)) return;
    this.offsetMs += Math.round(seconds * 1000);
    if (this.timeScale > 0) await sleep(seconds * 1000 * this.timeScale, undefined, { signal: this.signal });
  }
}

/** Seconds to the millisecond, as transcripts report times and durations. */
export const roundSeconds = (seconds: number) => Math.round(seconds * 1000) / 1000;
