import { describe, expect, it } from 'vitest';

import { compileSchedule, findScheduleConflicts, type Holiday, isOpenAt, localClock, parseDate, parseTime, type Schedule } from './schedule.js';

const SUN = 0;
const MON = 1;
const TUE = 2;
const FRI = 5;
const SAT = 6;

const range = (day: number, open: string, close: string): Schedule => ({ day_of_week: day, open_time: open, close_time: close });

/** Evaluates a list of UTC instants and returns them with their verdicts, so failures show which instant broke. */
function verdicts(timezone: string, schedules: Schedule[], instants: string[], holidays: Holiday[] = []) {
  const compiled = compileSchedule({ timezone, schedules, holidays });
  return Object.fromEntries(instants.map((iso) => [iso, isOpenAt(compiled, new Date(iso))]));
}

describe('parsing', () => {
  it('reads HH:MM times, with 24:00 only as a closing time', () => {
    expect(parseTime('00:00')).toBe(0);
    expect(parseTime('09:30')).toBe(570);
    expect(parseTime('23:59')).toBe(1439);
    expect(parseTime('24:00')).toBeNaN();
    expect(parseTime('24:00', true)).toBe(1440);
    for (const bad of ['9:00', '24:01', '12:60', '12:5', '', '12:00:00', 'ab:cd']) expect(parseTime(bad, true)).toBeNaN();
  });

  it('accepts only real calendar dates', () => {
    expect(parseDate('1970-01-01')).toBe(0);
    expect(parseDate('2024-02-29')).toBe(19782);
    for (const bad of ['2026-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-1-01', '26-01-01', '2026-01-01T00:00']) expect(parseDate(bad)).toBeNaN();
  });
});

describe('America/New_York', () => {
  const tz = 'America/New_York';

  it('spring forward (2026-03-08, 02:00 EST → 03:00 EDT): evaluates the wall clock after the switch', () => {
    expect(
      verdicts(
        tz,
        [range(SUN, '01:00', '04:00')],
        [
          '2026-03-08T05:59:00Z', // 00:59 EST
          '2026-03-08T06:00:00Z', // 01:00 EST
          '2026-03-08T06:59:59Z', // 01:59:59 EST, the last instant before the switch
          '2026-03-08T07:00:00Z', // 03:00 EDT, the first instant after
          '2026-03-08T07:59:00Z', // 03:59 EDT
          '2026-03-08T08:00:00Z', // 04:00 EDT (a fixed EST offset would still say 03:00)
        ],
      ),
    ).toEqual({
      '2026-03-08T05:59:00Z': false,
      '2026-03-08T06:00:00Z': true,
      '2026-03-08T06:59:59Z': true,
      '2026-03-08T07:00:00Z': true,
      '2026-03-08T07:59:00Z': true,
      '2026-03-08T08:00:00Z': false,
    });
  });

  it('office hours on the days around spring forward use each day’s own offset', () => {
    expect(
      verdicts(
        tz,
        [range(SAT, '09:00', '17:00'), range(SUN, '09:00', '17:00')],
        [
          '2026-03-07T13:59:00Z', // Sat 08:59 EST
          '2026-03-07T14:00:00Z', // Sat 09:00 EST
          '2026-03-07T21:59:00Z', // Sat 16:59 EST
          '2026-03-07T22:00:00Z', // Sat 17:00 EST
          '2026-03-08T12:59:00Z', // Sun 08:59 EDT
          '2026-03-08T13:00:00Z', // Sun 09:00 EDT
          '2026-03-08T20:59:00Z', // Sun 16:59 EDT
          '2026-03-08T21:00:00Z', // Sun 17:00 EDT
        ],
      ),
    ).toEqual({
      '2026-03-07T13:59:00Z': false,
      '2026-03-07T14:00:00Z': true,
      '2026-03-07T21:59:00Z': true,
      '2026-03-07T22:00:00Z': false,
      '2026-03-08T12:59:00Z': false,
      '2026-03-08T13:00:00Z': true,
      '2026-03-08T20:59:00Z': true,
      '2026-03-08T21:00:00Z': false,
    });
  });

  it('a range wholly inside the skipped hour never opens; one starting inside it opens at the switch', () => {
    expect(verdicts(tz, [range(SUN, '02:00', '02:30')], ['2026-03-08T06:59:00Z', '2026-03-08T07:00:00Z', '2026-03-08T07:15:00Z'])).toEqual({
      '2026-03-08T06:59:00Z': false,
      '2026-03-08T07:00:00Z': false,
      '2026-03-08T07:15:00Z': false,
    });
    expect(verdicts(tz, [range(SUN, '02:30', '05:00')], ['2026-03-08T06:59:00Z', '2026-03-08T07:00:00Z'])).toEqual({
      '2026-03-08T06:59:00Z': false,
      '2026-03-08T07:00:00Z': true,
    });
  });

  it('an overnight range spanning the spring-forward night closes at the wall-clock time', () => {
    expect(
      verdicts(
        tz,
        [range(SAT, '22:00', '06:00')],
        [
          '2026-03-08T02:59:00Z', // Sat 21:59 EST
          '2026-03-08T03:00:00Z', // Sat 22:00 EST
          '2026-03-08T06:59:00Z', // Sun 01:59 EST
          '2026-03-08T07:00:00Z', // Sun 03:00 EDT
          '2026-03-08T09:59:00Z', // Sun 05:59 EDT
          '2026-03-08T10:00:00Z', // Sun 06:00 EDT (EST would say 05:00)
        ],
      ),
    ).toEqual({
      '2026-03-08T02:59:00Z': false,
      '2026-03-08T03:00:00Z': true,
      '2026-03-08T06:59:00Z': true,
      '2026-03-08T07:00:00Z': true,
      '2026-03-08T09:59:00Z': true,
      '2026-03-08T10:00:00Z': false,
    });
  });

  it('fall back (2026-11-01, 02:00 EDT → 01:00 EST): the repeated hour is open in both passes', () => {
    expect(
      verdicts(
        tz,
        [range(SUN, '01:00', '01:30'), range(SUN, '09:00', '17:00')],
        [
          '2026-11-01T05:15:00Z', // 01:15 EDT, first pass
          '2026-11-01T05:45:00Z', // 01:45 EDT
          '2026-11-01T05:59:00Z', // 01:59 EDT, just before the switch
          '2026-11-01T06:00:00Z', // 01:00 EST, just after
          '2026-11-01T06:15:00Z', // 01:15 EST, second pass
          '2026-11-01T06:30:00Z', // 01:30 EST
          '2026-11-01T13:00:00Z', // 08:00 EST (EDT would say 09:00)
          '2026-11-01T14:00:00Z', // 09:00 EST
          '2026-11-01T21:59:00Z', // 16:59 EST
          '2026-11-01T22:00:00Z', // 17:00 EST
        ],
      ),
    ).toEqual({
      '2026-11-01T05:15:00Z': true,
      '2026-11-01T05:45:00Z': false,
      '2026-11-01T05:59:00Z': false,
      '2026-11-01T06:00:00Z': true,
      '2026-11-01T06:15:00Z': true,
      '2026-11-01T06:30:00Z': false,
      '2026-11-01T13:00:00Z': false,
      '2026-11-01T14:00:00Z': true,
      '2026-11-01T21:59:00Z': true,
      '2026-11-01T22:00:00Z': false,
    });
  });

  it('an overnight range spanning the fall-back night', () => {
    expect(
      verdicts(
        tz,
        [range(SAT, '23:00', '03:00')],
        [
          '2026-11-01T02:59:00Z', // Sat 22:59 EDT
          '2026-11-01T03:00:00Z', // Sat 23:00 EDT
          '2026-11-01T05:59:00Z', // Sun 01:59 EDT
          '2026-11-01T06:00:00Z', // Sun 01:00 EST
          '2026-11-01T07:59:00Z', // Sun 02:59 EST
          '2026-11-01T08:00:00Z', // Sun 03:00 EST (EDT would say 04:00, also closed; 07:00Z is the discriminating one)
          '2026-11-01T07:00:00Z', // Sun 02:00 EST
        ],
      ),
    ).toEqual({
      '2026-11-01T02:59:00Z': false,
      '2026-11-01T03:00:00Z': true,
      '2026-11-01T05:59:00Z': true,
      '2026-11-01T06:00:00Z': true,
      '2026-11-01T07:59:00Z': true,
      '2026-11-01T08:00:00Z': false,
      '2026-11-01T07:00:00Z': true,
    });
  });
});

describe('Europe/London and Europe/Berlin', () => {
  it('London spring forward (2026-03-29 01:00 GMT → 02:00 BST)', () => {
    expect(
      verdicts(
        'Europe/London',
        [range(SAT, '09:00', '17:00'), range(SUN, '00:30', '01:30'), range(SUN, '09:00', '17:00')],
        [
          '2026-03-28T08:59:00Z', // Sat 08:59 GMT
          '2026-03-28T09:00:00Z', // Sat 09:00 GMT
          '2026-03-29T00:59:00Z', // Sun 00:59 GMT, just before
          '2026-03-29T01:00:00Z', // Sun 02:00 BST, just after
          '2026-03-29T07:59:00Z', // Sun 08:59 BST
          '2026-03-29T08:00:00Z', // Sun 09:00 BST
          '2026-03-29T15:59:00Z', // Sun 16:59 BST
          '2026-03-29T16:00:00Z', // Sun 17:00 BST
        ],
      ),
    ).toEqual({
      '2026-03-28T08:59:00Z': false,
      '2026-03-28T09:00:00Z': true,
      '2026-03-29T00:59:00Z': true,
      '2026-03-29T01:00:00Z': false,
      '2026-03-29T07:59:00Z': false,
      '2026-03-29T08:00:00Z': true,
      '2026-03-29T15:59:00Z': true,
      '2026-03-29T16:00:00Z': false,
    });
  });

  it('London fall back (2026-10-25 02:00 BST → 01:00 GMT)', () => {
    expect(
      verdicts(
        'Europe/London',
        [range(SUN, '01:00', '02:00'), range(SUN, '09:00', '17:00')],
        [
          '2026-10-25T00:00:00Z', // 01:00 BST
          '2026-10-25T00:59:00Z', // 01:59 BST, just before
          '2026-10-25T01:00:00Z', // 01:00 GMT, just after
          '2026-10-25T01:59:00Z', // 01:59 GMT
          '2026-10-25T02:00:00Z', // 02:00 GMT
          '2026-10-25T08:30:00Z', // 08:30 GMT (BST would say 09:30)
          '2026-10-25T09:00:00Z', // 09:00 GMT
        ],
      ),
    ).toEqual({
      '2026-10-25T00:00:00Z': true,
      '2026-10-25T00:59:00Z': true,
      '2026-10-25T01:00:00Z': true,
      '2026-10-25T01:59:00Z': true,
      '2026-10-25T02:00:00Z': false,
      '2026-10-25T08:30:00Z': false,
      '2026-10-25T09:00:00Z': true,
    });
  });

  it('Berlin: an overnight Saturday range across the spring-forward night (02:00 CET → 03:00 CEST)', () => {
    expect(
      verdicts(
        'Europe/Berlin',
        [range(SAT, '20:00', '04:00')],
        [
          '2026-03-28T18:59:00Z', // Sat 19:59 CET
          '2026-03-28T19:00:00Z', // Sat 20:00 CET
          '2026-03-29T00:59:00Z', // Sun 01:59 CET
          '2026-03-29T01:00:00Z', // Sun 03:00 CEST
          '2026-03-29T01:59:00Z', // Sun 03:59 CEST
          '2026-03-29T02:00:00Z', // Sun 04:00 CEST (CET would say 03:00)
        ],
      ),
    ).toEqual({
      '2026-03-28T18:59:00Z': false,
      '2026-03-28T19:00:00Z': true,
      '2026-03-29T00:59:00Z': true,
      '2026-03-29T01:00:00Z': true,
      '2026-03-29T01:59:00Z': true,
      '2026-03-29T02:00:00Z': false,
    });
  });
});

describe('Australia/Sydney (southern hemisphere: summer time from October to April)', () => {
  const tz = 'Australia/Sydney';

  it('DST ends 2026-04-05 (03:00 AEDT → 02:00 AEST)', () => {
    expect(
      verdicts(
        tz,
        [range(SAT, '09:00', '17:00'), range(SUN, '02:00', '03:00'), range(SUN, '09:00', '17:00')],
        [
          '2026-04-03T21:59:00Z', // Sat 08:59 AEDT
          '2026-04-03T22:00:00Z', // Sat 09:00 AEDT
          '2026-04-04T14:59:00Z', // Sun 01:59 AEDT
          '2026-04-04T15:00:00Z', // Sun 02:00 AEDT
          '2026-04-04T15:59:00Z', // Sun 02:59 AEDT, just before
          '2026-04-04T16:00:00Z', // Sun 02:00 AEST, just after
          '2026-04-04T16:59:00Z', // Sun 02:59 AEST
          '2026-04-04T17:00:00Z', // Sun 03:00 AEST
          '2026-04-04T22:00:00Z', // Sun 08:00 AEST (AEDT would say 09:00)
          '2026-04-04T23:00:00Z', // Sun 09:00 AEST
        ],
      ),
    ).toEqual({
      '2026-04-03T21:59:00Z': false,
      '2026-04-03T22:00:00Z': true,
      '2026-04-04T14:59:00Z': false,
      '2026-04-04T15:00:00Z': true,
      '2026-04-04T15:59:00Z': true,
      '2026-04-04T16:00:00Z': true,
      '2026-04-04T16:59:00Z': true,
      '2026-04-04T17:00:00Z': false,
      '2026-04-04T22:00:00Z': false,
      '2026-04-04T23:00:00Z': true,
    });
  });

  it('DST starts 2026-10-04 (02:00 AEST → 03:00 AEDT), with an overnight range across the switch', () => {
    expect(
      verdicts(
        tz,
        [range(SAT, '20:00', '04:00'), range(SUN, '09:00', '17:00')],
        [
          '2026-10-03T09:59:00Z', // Sat 19:59 AEST
          '2026-10-03T10:00:00Z', // Sat 20:00 AEST
          '2026-10-03T15:59:00Z', // Sun 01:59 AEST, just before
          '2026-10-03T16:00:00Z', // Sun 03:00 AEDT, just after
          '2026-10-03T16:59:00Z', // Sun 03:59 AEDT
          '2026-10-03T17:00:00Z', // Sun 04:00 AEDT (AEST would say 03:00)
          '2026-10-03T21:59:00Z', // Sun 08:59 AEDT
          '2026-10-03T22:00:00Z', // Sun 09:00 AEDT
          '2026-10-04T05:59:00Z', // Sun 16:59 AEDT
          '2026-10-04T06:00:00Z', // Sun 17:00 AEDT
        ],
      ),
    ).toEqual({
      '2026-10-03T09:59:00Z': false,
      '2026-10-03T10:00:00Z': true,
      '2026-10-03T15:59:00Z': true,
      '2026-10-03T16:00:00Z': true,
      '2026-10-03T16:59:00Z': true,
      '2026-10-03T17:00:00Z': false,
      '2026-10-03T21:59:00Z': false,
      '2026-10-03T22:00:00Z': true,
      '2026-10-04T05:59:00Z': true,
      '2026-10-04T06:00:00Z': false,
    });
  });
});

describe('zones far from UTC', () => {
  it('Pacific/Kiritimati (UTC+14): the local weekday and date lead UTC by most of a day', () => {
    const hours = { timezone: 'Pacific/Kiritimati', schedules: [range(MON, '09:00', '17:00')], holidays: [] };
    // Sunday 19:00 UTC is already Monday 09:00 on Kiritimati.
    expect(isOpenAt(hours, new Date('2026-01-04T18:59:00Z'))).toBe(false);
    expect(isOpenAt(hours, new Date('2026-01-04T19:00:00Z'))).toBe(true);
    expect(isOpenAt(hours, new Date('2026-01-05T02:59:00Z'))).toBe(true);
    expect(isOpenAt(hours, new Date('2026-01-05T03:00:00Z'))).toBe(false);
    // The holiday is the local date, not the UTC one.
    const holiday = { ...hours, holidays: [{ date: '2026-01-05', name: 'Local holiday' }] };
    expect(isOpenAt(holiday, new Date('2026-01-04T19:00:00Z'))).toBe(false);
    const utcDate = { ...hours, holidays: [{ date: '2026-01-04', name: 'Not here' }] };
    expect(isOpenAt(utcDate, new Date('2026-01-04T19:00:00Z'))).toBe(true);
    expect(localClock(hours, new Date('2026-01-04T19:00:00Z'))).toEqual({ date: '2026-01-05', day_of_week: MON, time: '09:00', minute: 540 });
  });

  it('Asia/Kolkata (UTC+05:30): half-hour offsets', () => {
    expect(
      verdicts(
        'Asia/Kolkata',
        [range(MON, '09:00', '17:30')],
        [
          '2026-01-05T03:29:00Z', // 08:59
          '2026-01-05T03:30:00Z', // 09:00
          '2026-01-05T11:59:00Z', // 17:29
          '2026-01-05T12:00:00Z', // 17:30
        ],
      ),
    ).toEqual({
      '2026-01-05T03:29:00Z': false,
      '2026-01-05T03:30:00Z': true,
      '2026-01-05T11:59:00Z': true,
      '2026-01-05T12:00:00Z': false,
    });
  });
});

describe('ranges (UTC)', () => {
  // 2026-01-02 is a Friday, 2026-01-03 a Saturday, 2026-01-04 a Sunday, 2026-01-05 a Monday.
  const at = (iso: string) => new Date(`${iso}Z`);

  it('open <= t < close, to the second', () => {
    const hours = { timezone: 'UTC', schedules: [range(MON, '09:00', '17:00')], holidays: [] };
    expect(isOpenAt(hours, at('2026-01-05T08:59:59.999'))).toBe(false);
    expect(isOpenAt(hours, at('2026-01-05T09:00:00'))).toBe(true);
    expect(isOpenAt(hours, at('2026-01-05T16:59:59.999'))).toBe(true);
    expect(isOpenAt(hours, at('2026-01-05T17:00:00'))).toBe(false);
    expect(isOpenAt(hours, at('2026-01-12T10:00:00'))).toBe(true); // the next Monday
    expect(isOpenAt(hours, at('2026-01-06T10:00:00'))).toBe(false); // Tuesday
  });

  it('several ranges per day, with a lunch break', () => {
    const hours = { timezone: 'UTC', schedules: [range(MON, '13:00', '17:00'), range(MON, '09:00', '12:00')], holidays: [] };
    expect(isOpenAt(hours, at('2026-01-05T11:59:00'))).toBe(true);
    expect(isOpenAt(hours, at('2026-01-05T12:00:00'))).toBe(false);
    expect(isOpenAt(hours, at('2026-01-05T12:59:00'))).toBe(false);
    expect(isOpenAt(hours, at('2026-01-05T13:00:00'))).toBe(true);
  });

  it('24:00 means the end of the day and does not spill', () => {
    const hours = { timezone: 'UTC', schedules: [range(FRI, '18:00', '24:00')], holidays: [] };
    expect(isOpenAt(hours, at('2026-01-02T23:59:59'))).toBe(true);
    expect(isOpenAt(hours, at('2026-01-03T00:00:00'))).toBe(false);
    const allDay = { timezone: 'UTC', schedules: [0, 1, 2, 3, 4, 5, 6].map((d) => range(d, '00:00', '24:00')), holidays: [] };
    for (let h = 0; h < 24 * 7; h += 5) expect(isOpenAt(allDay, new Date(Date.UTC(2026, 0, 4, h, 17)))).toBe(true);
  });

  it('a range past midnight belongs to the day it opens', () => {
    const hours = { timezone: 'UTC', schedules: [range(FRI, '22:00', '02:00')], holidays: [] };
    expect(isOpenAt(hours, at('2026-01-02T21:59:00'))).toBe(false);
    expect(isOpenAt(hours, at('2026-01-02T22:00:00'))).toBe(true);
    expect(isOpenAt(hours, at('2026-01-03T01:59:00'))).toBe(true);
    expect(isOpenAt(hours, at('2026-01-03T02:00:00'))).toBe(false);
    expect(isOpenAt(hours, at('2026-01-03T22:30:00'))).toBe(false); // Saturday evening has no range
    expect(isOpenAt(hours, at('2026-01-02T01:00:00'))).toBe(false); // Friday early morning: Thursday has no range
  });

  it('Saturday night spills into Sunday across the week boundary', () => {
    const hours = { timezone: 'UTC', schedules: [range(SAT, '22:00', '02:00')], holidays: [] };
    expect(isOpenAt(hours, at('2026-01-04T01:00:00'))).toBe(true);
    expect(isOpenAt(hours, at('2026-01-04T02:00:00'))).toBe(false);
  });

  it('closing at 00:00 means midnight', () => {
    const hours = { timezone: 'UTC', schedules: [range(FRI, '20:00', '00:00')], holidays: [] };
    expect(isOpenAt(hours, at('2026-01-02T23:59:00'))).toBe(true);
    expect(isOpenAt(hours, at('2026-01-03T00:00:00'))).toBe(false);
  });

  it('no ranges: always closed; an unknown zone: never open', () => {
    expect(isOpenAt({ timezone: 'UTC', schedules: [], holidays: [] }, at('2026-01-05T10:00:00'))).toBe(false);
    const bogus = { timezone: 'Mars/Olympus_Mons', schedules: [0, 1, 2, 3, 4, 5, 6].map((d) => range(d, '00:00', '24:00')), holidays: [] };
    expect(isOpenAt(bogus, at('2026-01-05T10:00:00'))).toBe(false);
    expect(localClock(bogus, at('2026-01-05T10:00:00'))).toBeUndefined();
  });

  it('accepts a compiled schedule or the raw definition, a Date or epoch milliseconds', () => {
    const raw = { timezone: 'UTC', schedules: [range(MON, '09:00', '17:00')], holidays: [] };
    const compiled = compileSchedule(raw);
    const ms = Date.parse('2026-01-05T10:00:00Z');
    expect([isOpenAt(raw, ms), isOpenAt(compiled, ms), isOpenAt(compiled, new Date(ms))]).toEqual([true, true, true]);
  });
});

describe('holidays', () => {
  const at = (iso: string) => new Date(`${iso}Z`);
  const weekdays = [1, 2, 3, 4, 5].map((d) => range(d, '09:00', '17:00'));

  it('close the whole local date', () => {
    const hours = { timezone: 'UTC', schedules: weekdays, holidays: [{ date: '2026-01-05', name: 'Closed Monday' }] };
    expect(isOpenAt(hours, at('2026-01-05T10:00:00'))).toBe(false);
    expect(isOpenAt(hours, at('2026-01-06T10:00:00'))).toBe(true);
  });

  it('also close the early-morning spill of the previous evening', () => {
    const hours = { timezone: 'UTC', schedules: [range(FRI, '22:00', '02:00')], holidays: [{ date: '2026-01-03', name: 'Saturday holiday' }] };
    expect(isOpenAt(hours, at('2026-01-02T23:00:00'))).toBe(true); // Friday evening is not the holiday
    expect(isOpenAt(hours, at('2026-01-03T01:00:00'))).toBe(false);
  });

  it('a range that opens on a holiday never opens, so it does not spill into the next day either', () => {
    const hours = { timezone: 'UTC', schedules: [range(FRI, '22:00', '02:00')], holidays: [{ date: '2026-01-02', name: 'Friday holiday' }] };
    expect(isOpenAt(hours, at('2026-01-02T23:00:00'))).toBe(false);
    expect(isOpenAt(hours, at('2026-01-03T01:00:00'))).toBe(false);
    // The following Friday is an ordinary day again.
    expect(isOpenAt(hours, at('2026-01-10T01:00:00'))).toBe(true);
  });

  it('follow the local date in a DST zone', () => {
    // 2026-03-08 04:30Z is still Saturday 23:30 EST in New York: the Sunday holiday has not begun.
    const hours = {
      timezone: 'America/New_York',
      schedules: [range(SAT, '09:00', '24:00'), range(SUN, '00:00', '24:00')],
      holidays: [{ date: '2026-03-08', name: 'Sunday' }],
    };
    expect(isOpenAt(hours, new Date('2026-03-08T04:30:00Z'))).toBe(true);
    expect(isOpenAt(hours, new Date('2026-03-08T05:00:00Z'))).toBe(false);
    expect(isOpenAt(hours, new Date('2026-03-09T03:59:00Z'))).toBe(false); // Sun 23:59 EDT
  });
});

describe('localClock', () => {
  it('reports the wall time the evaluator used, across DST', () => {
    const hours = { timezone: 'America/New_York', schedules: [], holidays: [] };
    expect(localClock(hours, new Date('2026-03-08T06:59:00Z'))).toEqual({ date: '2026-03-08', day_of_week: SUN, time: '01:59', minute: 119 });
    expect(localClock(hours, new Date('2026-03-08T07:00:00Z'))).toEqual({ date: '2026-03-08', day_of_week: SUN, time: '03:00', minute: 180 });
    expect(localClock(hours, new Date('2026-01-01T04:59:00Z'))).toEqual({ date: '2025-12-31', day_of_week: 3, time: '23:59', minute: 1439 });
  });
});

describe('findScheduleConflicts', () => {
  it('accepts touching and separate ranges', () => {
    expect(findScheduleConflicts([range(MON, '09:00', '12:00'), range(MON, '12:00', '17:00'), range(TUE, '09:00', '17:00')])).toEqual([]);
    expect(findScheduleConflicts([range(FRI, '22:00', '02:00'), range(SAT, '02:00', '10:00')])).toEqual([]);
    expect(findScheduleConflicts([range(FRI, '18:00', '24:00'), range(SAT, '00:00', '06:00')])).toEqual([]);
  });

  it('names the later of two overlapping same-day ranges', () => {
    const found = findScheduleConflicts([range(MON, '09:00', '12:00'), range(TUE, '09:00', '12:00'), range(MON, '11:00', '13:00')]);
    expect(found.map((c) => c.index)).toEqual([2]);
    expect(found[0]!.message).toContain('schedules.0');
  });

  it('names an overnight range whose spill overlaps the next day, including Saturday into Sunday', () => {
    expect(findScheduleConflicts([range(SAT, '09:00', '12:00'), range(FRI, '22:00', '10:00')]).map((c) => c.index)).toEqual([1]);
    expect(findScheduleConflicts([range(SUN, '01:00', '05:00'), range(SAT, '22:00', '02:00')]).map((c) => c.index)).toEqual([1]);
    expect(findScheduleConflicts([range(SAT, '22:00', '02:00'), range(SUN, '01:00', '05:00')]).map((c) => c.index)).toEqual([0]);
  });

  it('reports identical ranges and nested ranges', () => {
    expect(findScheduleConflicts([range(MON, '09:00', '17:00'), range(MON, '09:00', '17:00')]).map((c) => c.index)).toEqual([1]);
    expect(findScheduleConflicts([range(MON, '08:00', '18:00'), range(MON, '10:00', '11:00')]).map((c) => c.index)).toEqual([1]);
  });
});
