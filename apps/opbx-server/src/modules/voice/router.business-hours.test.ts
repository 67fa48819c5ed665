import { describe, expect, it } from 'vitest';

import type { Holiday, Schedule } from '../business-hours/schedule.js';
import { describePlan, inbound, SnapshotBuilder, TestEnv, toExtension, toRingGroup } from './routing.fixture.js';
import type { Target } from './snapshot.js';

const DID = '+12125550100';
const [SUN, MON, TUE, WED, THU, FRI, SAT] = [0, 1, 2, 3, 4, 5, 6];
const weekdays = (open: string, close: string): Schedule[] =>
  [MON, TUE, WED, THU, FRI].map((day_of_week) => ({ day_of_week, open_time: open, close_time: close }));

/** Open → the sales group (101, 102); closed → whatever the test says (voicemail of 200 by default). */
function office(timezone: string, schedules: Schedule[], opts: { holidays?: Holiday[]; closed?: Target } = {}) {
  const b = new SnapshotBuilder();
  const sales = b.ringGroup('rg-sales', [b.extension('101'), b.extension('102')], { strategy: 'simultaneous' });
  const mailbox = b.extension('200', { voicemail: true });
  b.extension('300');
  b.ringGroup('rg-night', [b.extension('301')], { strategy: 'simultaneous' });
  b.businessHours('bh-1', {
    timezone,
    schedules,
    holidays: opts.holidays,
    open: toRingGroup(sales),
    closed: opts.closed ?? { type: 'voicemail', extensionId: mailbox.id },
  });
  b.did(DID, { type: 'business_hours', id: 'bh-1' });
  return b.snapshot;
}

const OPEN = 'dial 101,102 20s';
const CLOSED = 'voicemail ext-200';

async function routeAt(snap: ReturnType<typeof office>, iso: string) {
  return describePlan((await inbound(snap, DID, new TestEnv(new Date(iso)))).plan);
}

/** Routes the same DID at each instant; returns {instant: plan} so a failure names the instant. */
async function routesAt(snap: ReturnType<typeof office>, instants: string[]) {
  const out: Record<string, string> = {};
  for (const iso of instants) out[iso] = await routeAt(snap, iso);
  return out;
}

describe('business-hours routing', () => {
  it('open → the open target, closed → the closed target, with the boundaries at local open/close time', async () => {
    const snap = office('America/New_York', weekdays('09:00', '17:00'));
    expect(
      await routesAt(snap, [
        '2026-03-04T13:59:00Z', // Wed 08:59 EST
        '2026-03-04T14:00:00Z', // Wed 09:00 EST
        '2026-03-04T21:59:59Z', // Wed 16:59:59 EST
        '2026-03-04T22:00:00Z', // Wed 17:00 EST
        '2026-03-07T15:00:00Z', // Sat 10:00 EST
      ]),
    ).toEqual({
      '2026-03-04T13:59:00Z': CLOSED,
      '2026-03-04T14:00:00Z': OPEN,
      '2026-03-04T21:59:59Z': OPEN,
      '2026-03-04T22:00:00Z': CLOSED,
      '2026-03-07T15:00:00Z': CLOSED,
    });
  });

  it('evaluates in the schedule’s timezone, not UTC or the organization’s', async () => {
    const instant = '2026-03-04T15:30:00Z'; // 15:30 UTC = 10:30 New York = 16:30 Berlin = 02:30 Sydney (Thu)
    expect(await routeAt(office('America/New_York', weekdays('09:00', '12:00')), instant)).toBe(OPEN);
    expect(await routeAt(office('Europe/Berlin', weekdays('09:00', '12:00')), instant)).toBe(CLOSED);
    expect(await routeAt(office('Australia/Sydney', weekdays('09:00', '12:00')), instant)).toBe(CLOSED);
    expect(await routeAt(office('UTC', weekdays('09:00', '12:00')), instant)).toBe(CLOSED);
  });

  // The same UTC instant of the day, a few days apart on either side of a DST change: the local
  // time moves by an hour, so the verdict flips. A fixed offset would give the same answer twice.
  const dst: Array<[string, string, string, string]> = [
    // zone, instant, local time there, expected
    ['America/New_York', '2026-03-06T13:30:00Z', 'Fri 08:30 EST', CLOSED],
    ['America/New_York', '2026-03-09T13:30:00Z', 'Mon 09:30 EDT', OPEN],
    ['America/New_York', '2026-10-30T13:30:00Z', 'Fri 09:30 EDT', OPEN],
    ['America/New_York', '2026-11-02T13:30:00Z', 'Mon 08:30 EST', CLOSED],
    ['Europe/Berlin', '2026-03-27T07:30:00Z', 'Fri 08:30 CET', CLOSED],
    ['Europe/Berlin', '2026-03-30T07:30:00Z', 'Mon 09:30 CEST', OPEN],
    ['Europe/Berlin', '2026-10-23T07:30:00Z', 'Fri 09:30 CEST', OPEN],
    ['Europe/Berlin', '2026-10-26T07:30:00Z', 'Mon 08:30 CET', CLOSED],
    ['Australia/Sydney', '2026-04-02T22:30:00Z', 'Fri 09:30 AEDT', OPEN],
    ['Australia/Sydney', '2026-04-05T22:30:00Z', 'Mon 08:30 AEST', CLOSED],
    ['Australia/Sydney', '2026-10-01T22:30:00Z', 'Fri 08:30 AEST', CLOSED],
    ['Australia/Sydney', '2026-10-04T22:30:00Z', 'Mon 09:30 AEDT', OPEN],
  ];
  it.each(dst)('across DST: %s at %s (%s) → %s', async (zone, instant, _local, expected) => {
    expect(await routeAt(office(zone, weekdays('09:00', '17:00')), instant)).toBe(expected);
  });

  it('on the DST night itself the schedule follows the wall clock (Sydney, fall back 2026-04-05 03:00 → 02:00)', async () => {
    const snap = office('Australia/Sydney', [{ day_of_week: SUN, open_time: '02:30', close_time: '04:00' }]);
    expect(
      await routesAt(snap, [
        '2026-04-04T15:29:00Z', // 02:29 AEDT
        '2026-04-04T15:30:00Z', // 02:30 AEDT, first pass
        '2026-04-04T16:00:00Z', // 02:00 AEST, after the switch
        '2026-04-04T16:30:00Z', // 02:30 AEST, second pass
        '2026-04-04T17:59:00Z', // 03:59 AEST
        '2026-04-04T18:00:00Z', // 04:00 AEST
      ]),
    ).toEqual({
      '2026-04-04T15:29:00Z': CLOSED,
      '2026-04-04T15:30:00Z': OPEN,
      '2026-04-04T16:00:00Z': CLOSED,
      '2026-04-04T16:30:00Z': OPEN,
      '2026-04-04T17:59:00Z': OPEN,
      '2026-04-04T18:00:00Z': CLOSED,
    });
  });

  it('past-midnight ranges spill into the next day and close at the local close time', async () => {
    const snap = office('Europe/London', [{ day_of_week: FRI, open_time: '22:00', close_time: '02:00' }]);
    expect(
      await routesAt(snap, [
        '2026-03-27T21:59:00Z', // Fri 21:59 GMT
        '2026-03-27T22:00:00Z', // Fri 22:00
        '2026-03-28T00:00:00Z', // Sat 00:00
        '2026-03-28T01:59:00Z', // Sat 01:59
        '2026-03-28T02:00:00Z', // Sat 02:00
        '2026-03-28T22:30:00Z', // Sat 22:30: the range opens on Fridays only
      ]),
    ).toEqual({
      '2026-03-27T21:59:00Z': CLOSED,
      '2026-03-27T22:00:00Z': OPEN,
      '2026-03-28T00:00:00Z': OPEN,
      '2026-03-28T01:59:00Z': OPEN,
      '2026-03-28T02:00:00Z': CLOSED,
      '2026-03-28T22:30:00Z': CLOSED,
    });
  });

  it('a Saturday night range spills into Sunday morning, across the London spring-forward night', async () => {
    const snap = office('Europe/London', [{ day_of_week: SAT, open_time: '20:00', close_time: '03:00' }]);
    expect(
      await routesAt(snap, [
        '2026-03-28T20:00:00Z', // Sat 20:00 GMT
        '2026-03-29T00:59:00Z', // Sun 00:59 GMT
        '2026-03-29T01:00:00Z', // Sun 02:00 BST
        '2026-03-29T01:59:00Z', // Sun 02:59 BST
        '2026-03-29T02:00:00Z', // Sun 03:00 BST (GMT would say 02:00)
      ]),
    ).toEqual({
      '2026-03-28T20:00:00Z': OPEN,
      '2026-03-29T00:59:00Z': OPEN,
      '2026-03-29T01:00:00Z': OPEN,
      '2026-03-29T01:59:00Z': OPEN,
      '2026-03-29T02:00:00Z': CLOSED,
    });
  });

  it('holidays close the whole local date, including the spill of the evening before', async () => {
    const schedules = [...weekdays('09:00', '17:00'), { day_of_week: FRI, open_time: '20:00', close_time: '02:00' }];
    const snap = office('America/New_York', schedules, {
      holidays: [
        { date: '2026-12-25', name: 'Christmas' },
        { date: '2026-12-26', name: 'Boxing Day' },
      ],
    });
    expect(
      await routesAt(snap, [
        '2026-12-24T15:00:00Z', // Thu 10:00 EST, an ordinary day
        '2026-12-25T15:00:00Z', // Fri 10:00, Christmas
        '2026-12-26T02:00:00Z', // Fri 21:00, Christmas evening
        '2026-12-26T06:00:00Z', // Sat 01:00, the spill lands on Boxing Day
        '2026-12-28T15:00:00Z', // Mon 10:00, open again
      ]),
    ).toEqual({
      '2026-12-24T15:00:00Z': OPEN,
      '2026-12-25T15:00:00Z': CLOSED,
      '2026-12-26T02:00:00Z': CLOSED,
      '2026-12-26T06:00:00Z': CLOSED,
      '2026-12-28T15:00:00Z': OPEN,
    });
  });

  it('a holiday is a date of the schedule’s zone: 2026-12-25 in Sydney is still Christmas Eve in New York', async () => {
    const instant = '2026-12-24T23:30:00Z'; // Fri 10:30 AEDT in Sydney; Thu 18:30 EST in New York
    const holidays = [{ date: '2026-12-25', name: 'Christmas' }];
    expect(await routeAt(office('Australia/Sydney', weekdays('09:00', '17:00'), { holidays }), instant)).toBe(CLOSED);
    expect(await routeAt(office('Australia/Sydney', weekdays('09:00', '17:00')), instant)).toBe(OPEN);
    expect(await routeAt(office('America/New_York', weekdays('09:00', '20:00'), { holidays }), instant)).toBe(OPEN);
  });

  it.each<[string, Target, string]>([
    ['an extension', { type: 'extension', id: 'ext-300' }, 'dial 300 30s'],
    ['a ring group', { type: 'ring_group', id: 'rg-night' }, 'dial 301 20s'],
    ['voicemail', { type: 'voicemail', extensionId: 'ext-200' }, 'voicemail ext-200'],
    ['hangup', { type: 'hangup' }, 'hangup closed'],
  ])('closed routing to %s', async (_label, closed, expected) => {
    const snap = office('UTC', weekdays('09:00', '17:00'), { closed });
    expect(await routeAt(snap, '2026-03-07T12:00:00Z')).toBe(expected);
    expect(await routeAt(snap, '2026-03-06T12:00:00Z')).toBe(OPEN);
  });

  it('a closed target that is inactive: polite hangup', async () => {
    const snap = office('UTC', [], { closed: { type: 'extension', id: 'ext-300' } });
    snap.extensions.get('ext-300')!.active = false;
    const { plan } = await inbound(snap, DID, new TestEnv(new Date('2026-03-07T12:00:00Z')));
    expect(plan).toMatchObject({ kind: 'hangup', reason: 'unavailable' });
    expect(plan.kind === 'hangup' && plan.message).toBeTruthy();
  });

  it('a timezone unknown to the runtime routes as closed, never throws', async () => {
    const snap = office('Mars/Olympus_Mons', weekdays('00:00', '24:00'));
    expect(await routeAt(snap, '2026-03-04T12:00:00Z')).toBe(CLOSED);
  });

  it('closing time 24:00 keeps the last minute of the day open', async () => {
    const snap = office('Asia/Kolkata', [{ day_of_week: WED, open_time: '18:00', close_time: '24:00' }]);
    expect(await routesAt(snap, ['2026-03-04T18:29:00Z', '2026-03-04T18:30:00Z'])).toEqual({
      '2026-03-04T18:29:00Z': OPEN, // Wed 23:59 IST
      '2026-03-04T18:30:00Z': CLOSED, // Thu 00:00 IST
    });
  });

  it('the open target is an extension too', async () => {
    const b = new SnapshotBuilder();
    const ext = b.extension('101');
    b.businessHours('bh-1', { timezone: 'UTC', schedules: weekdays('09:00', '17:00'), open: toExtension(ext), closed: { type: 'hangup' } });
    b.did(DID, { type: 'business_hours', id: 'bh-1' });
    const { plan, facts } = await inbound(b.snapshot, DID, new TestEnv(new Date('2026-03-04T12:00:00Z')));
    expect(describePlan(plan)).toBe('dial 101 30s');
    expect(facts).toMatchObject({ didId: 'did-12125550100', extensionId: 'ext-101' });
  });
});
