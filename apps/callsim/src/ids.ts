import { randomBytes, randomInt } from 'node:crypto';

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Cloudonix call tokens (`CallSid`, `Session`, `SessionData.token`) are 32 hex characters in every sample. */
export function newCallToken(): string {
  return randomHex(16);
}

export function newSipCallId(): string {
  return `${randomHex(12)}@callsim.invalid`;
}

// Numeric session ids: unique within a process (a load run), random across processes.
let nextSessionId = 100_000_000 + randomInt(800_000_000);

export function newSessionId(): number {
  nextSessionId += 1;
  return nextSessionId;
}

/** A stable small number derived from a string, for numeric ids Cloudonix would own (domainId, subscriberId). */
export function stableNumericId(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 1000 + (hash % 9_000_000);
}

/**
 * UUIDv7 generator fed by the simulated clock: a UUID like Cloudonix's `eventId`, and strictly increasing
 * within one call (a 12-bit counter breaks ties inside the same millisecond), so tests can order events by id.
 */
export function uuidv7Sequence(now: () => number): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = now();
    if (ms <= lastMs) {
      counter += 1;
      if (counter > 0xfff) {
        lastMs += 1;
        counter = 0;
      }
      ms = lastMs;
    } else {
      lastMs = ms;
      counter = 0;
    }
    const bytes = randomBytes(16);
    const time = BigInt(ms);
    for (let i = 0; i < 6; i += 1) bytes[i] = Number((time >> BigInt(8 * (5 - i))) & 0xffn);
    bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
