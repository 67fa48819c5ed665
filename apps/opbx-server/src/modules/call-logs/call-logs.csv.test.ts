import { describe, expect, it } from 'vitest';

import { localTimeFormatter } from './call-logs.csv.js';

/** What Intl itself says, the slow way: the reference the cached formatter must match. */
function reference(timezone: string, t: number): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

describe('localTimeFormatter', () => {
  it('agrees with Intl around daylight-saving changes and in zones with odd offsets', () => {
    const zones = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'UTC'];
    // Every 7 minutes and 13 seconds across the spring and autumn changes of 2025 (both hemispheres).
    const windows = [Date.UTC(2025, 2, 29), Date.UTC(2025, 3, 5), Date.UTC(2025, 9, 4), Date.UTC(2025, 9, 25), Date.UTC(2025, 10, 1)];
    for (const zone of zones) {
      const local = localTimeFormatter(zone);
      for (const start of windows)
        for (let t = start; t < start + 3 * 86400_000; t += 433_000)
          expect(local(new Date(t).toISOString()), `${zone} ${new Date(t).toISOString()}`).toBe(reference(zone, t));
    }
  });

  it('hand-checked values, and empty cells for no time', () => {
    const paris = localTimeFormatter('Europe/Paris');
    expect(paris('2025-05-01T10:03:05.000Z')).toBe('2025-05-01 12:03:05');
    expect(paris('2025-01-15T23:30:00.000Z')).toBe('2025-01-16 00:30:00');
    // 01:30 UTC on 30 March 2025 is 03:30 in Paris: the clocks jumped from 02:00 to 03:00 at 01:00 UTC.
    expect(paris('2025-03-30T01:30:00.000Z')).toBe('2025-03-30 03:30:00');
    expect(paris(null)).toBe('');
    expect(paris('not a time')).toBe('');
  });
});
