export interface HealthChange {
  component: string;
  /** What users lose while it is down, for the log line. */
  impact: string;
  ok: boolean;
  /** What failed, when the change is to not ok. */
  err?: unknown;
}

/**
 * Whether a shared backend (Redis) answered the last time a component needed it. Only changes are
 * reported, so an outage is one warning and its end one notice, not a log line per request.
 */
export class BackendHealth {
  private state = true;
  private readonly listeners = new Set<(change: HealthChange) => void>();

  constructor(
    readonly component: string,
    readonly impact: string,
  ) {}

  get ok(): boolean {
    return this.state;
  }

  onChange(listener: (change: HealthChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  down(err: unknown): void {
    if (!this.state) return;
    this.state = false;
    for (const l of this.listeners) l({ component: this.component, impact: this.impact, ok: false, err });
  }

  up(): void {
    if (this.state) return;
    this.state = true;
    for (const l of this.listeners) l({ component: this.component, impact: this.impact, ok: true });
  }
}
