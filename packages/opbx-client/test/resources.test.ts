import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { businessHoursService, didsService, type Extension, extensionsService, type LoginResponse, ringGroupsService, usersService } from '../src/index.js';
import { apiFailure, type LiveServer, nextExtensionNumber, randomE164, signIn, startLiveServer, unique } from './support/live-server.js';

let server: LiveServer;
let session: LoginResponse;

beforeAll(async () => {
  server = await startLiveServer();
  session = await signIn();
});
afterAll(() => server.close());

const orgId = () => session.user.organization_id;

async function expectGone(lookup: Promise<unknown>) {
  const failure = await apiFailure(lookup);
  expect(failure.response.status).toBe(404);
  expect(failure.response.data.error.code).toBe('NOT_FOUND');
}

/** A virtual extension to route to; voicemail on so it can also be a voicemail target. */
const virtualExtension = (): Promise<Extension> =>
  extensionsService.create({ extension_number: nextExtensionNumber(), type: 'virtual', voicemail_enabled: true });

describe('usersService round trip', () => {
  it('creates (with an extension), reads, updates, lists and deletes a user', async () => {
    const email = `${unique('casey')}@example.test`;
    const number = nextExtensionNumber();
    const created = await usersService.create({ name: 'Casey Client', email, password: 'client-pass-1', role: 'agent', extension_number: number });
    expect(created).toMatchObject({
      organization_id: orgId(),
      email,
      name: 'Casey Client',
      role: 'agent',
      status: 'active',
      extension: { extension_number: number, type: 'user', user_id: created.id },
    });
    expect(created.created_at).toEqual(expect.any(String));
    expect(JSON.stringify(created)).not.toContain('password');

    expect(await usersService.getById(created.id)).toEqual(created);

    const updated = await usersService.update(created.id, { name: 'Casey Updated', role: 'admin', status: 'inactive' });
    expect(updated).toMatchObject({ id: created.id, name: 'Casey Updated', role: 'admin', status: 'inactive', email });

    const list = await usersService.getAll({ search: 'Casey', role: 'admin', status: 'inactive', per_page: 5 });
    expect(list.data.map((u) => u.id)).toEqual([created.id]);
    expect(list.meta).toMatchObject({ current_page: 1, per_page: 5, total: 1, last_page: 1, from: 1, to: 1, has_more: false });

    await expect(usersService.delete(created.id)).resolves.toBeUndefined();
    await expectGone(usersService.getById(created.id));
    // The extension stays, unassigned: it may still be a routing target.
    const orphan = await extensionsService.getAll({ search: number });
    expect(orphan.data).toMatchObject([{ extension_number: number, user_id: null }]);
  });

  it('pages with page/per_page and with the opaque cursor', async () => {
    const first = await usersService.getAll({ per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.meta).toMatchObject({ current_page: 1, per_page: 2, from: 1, to: 2, has_more: true });
    expect(first.meta.total).toBeGreaterThanOrEqual(4);
    expect(first.meta.next_cursor).toEqual(expect.any(String));

    const byPage = await usersService.getAll({ per_page: 2, page: 2 });
    const byCursor = await usersService.getAll({ per_page: 2, cursor: first.meta.next_cursor! });
    expect(byCursor.data.map((u) => u.id)).toEqual(byPage.data.map((u) => u.id));
    expect(byCursor.data.some((u) => first.data.some((f) => f.id === u.id))).toBe(false);
  });
});

describe('extensionsService round trip', () => {
  it('creates, reads, updates, lists and deletes an extension', async () => {
    const number = nextExtensionNumber();
    const created = await extensionsService.create({
      extension_number: number,
      type: 'virtual',
      voicemail_enabled: true,
      sip_config: { password: 'Sip-secret-12345' },
      call_forwarding: { enabled: true, destination: '+15557654321', on_no_answer: true },
    });
    expect(created).toMatchObject({
      organization_id: orgId(),
      user_id: null,
      extension_number: number,
      type: 'virtual',
      status: 'active',
      voicemail_enabled: true,
      call_forwarding: { enabled: true, destination: '+15557654321', on_no_answer: true },
      sip_config: { username: expect.any(String), domain: expect.any(String) },
    });
    expect(JSON.stringify(created)).not.toContain('Sip-secret-12345');

    expect(await extensionsService.getById(created.id)).toEqual(created);

    const renumbered = nextExtensionNumber();
    const updated = await extensionsService.update(created.id, {
      extension_number: renumbered,
      status: 'inactive',
      voicemail_enabled: false,
      call_forwarding: { enabled: false },
    });
    expect(updated).toMatchObject({ id: created.id, extension_number: renumbered, status: 'inactive', voicemail_enabled: false });

    const list = await extensionsService.getAll({ type: 'virtual', status: 'inactive', search: renumbered });
    expect(list.data.map((e) => e.id)).toEqual([created.id]);
    expect(list.meta.total).toBe(1);

    await expect(extensionsService.delete(created.id)).resolves.toBeUndefined();
    await expectGone(extensionsService.getById(created.id));
  });
});

describe('ringGroupsService round trip', () => {
  it('creates, reads, updates, lists and deletes a ring group', async () => {
    const [a, b] = [await virtualExtension(), await virtualExtension()];
    const name = unique('Front desk');
    const created = await ringGroupsService.create({
      name,
      strategy: 'sequential',
      timeout: 20,
      members: [
        { extension_id: a.id, priority: 1 },
        { extension_id: b.id, priority: 2 },
      ],
      fallback_action: { type: 'voicemail' },
    });
    expect(created).toMatchObject({
      organization_id: orgId(),
      name,
      strategy: 'sequential',
      timeout: 20,
      members: [
        { extension_id: a.id, priority: 1 },
        { extension_id: b.id, priority: 2 },
      ],
      fallback_action: { type: 'voicemail' },
      status: 'active',
    });

    expect(await ringGroupsService.getById(created.id)).toEqual(created);

    const updated = await ringGroupsService.update(created.id, {
      name: `${name} (late)`,
      strategy: 'round_robin',
      timeout: 45,
      members: [{ extension_id: b.id, priority: 1 }],
      fallback_action: { type: 'extension', extension_id: a.id },
      status: 'inactive',
    });
    expect(updated).toMatchObject({
      id: created.id,
      name: `${name} (late)`,
      strategy: 'round_robin',
      timeout: 45,
      members: [{ extension_id: b.id, priority: 1 }],
      fallback_action: { type: 'extension', extension_id: a.id },
      status: 'inactive',
    });

    const list = await ringGroupsService.getAll({ search: name, per_page: 10 });
    expect(list.data.map((g) => g.id)).toEqual([created.id]);
    expect(list.meta).toMatchObject({ current_page: 1, total: 1, has_more: false });

    await expect(ringGroupsService.delete(created.id)).resolves.toBeUndefined();
    await expectGone(ringGroupsService.getById(created.id));
    // Nothing references the members any more.
    await extensionsService.delete(a.id);
    await extensionsService.delete(b.id);
  });
});

describe('businessHoursService round trip', () => {
  it('creates, reads, updates, lists and deletes business hours', async () => {
    const target = await virtualExtension();
    const name = unique('Berlin office');
    const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day_of_week: day, open_time: '09:00', close_time: '17:00' }));
    const created = await businessHoursService.create({
      name,
      timezone: 'Europe/Berlin',
      schedules: weekdays,
      holidays: [{ date: '2027-12-25', name: 'Christmas Day' }],
      open_hours_routing: { type: 'extension', extension_id: target.id },
      closed_hours_routing: { type: 'hangup' },
    });
    expect(created).toMatchObject({
      organization_id: orgId(),
      name,
      timezone: 'Europe/Berlin',
      schedules: weekdays,
      holidays: [{ date: '2027-12-25', name: 'Christmas Day' }],
      open_hours_routing: { type: 'extension', extension_id: target.id },
      closed_hours_routing: { type: 'hangup' },
    });

    expect(await businessHoursService.getById(created.id)).toEqual(created);

    const saturday = [...weekdays, { day_of_week: 6, open_time: '10:00', close_time: '14:00' }];
    const updated = await businessHoursService.update(created.id, {
      name: `${name} (summer)`,
      timezone: 'America/Chicago',
      schedules: saturday,
      holidays: [],
      closed_hours_routing: { type: 'voicemail', extension_id: target.id },
    });
    expect(updated).toMatchObject({
      id: created.id,
      name: `${name} (summer)`,
      timezone: 'America/Chicago',
      schedules: saturday,
      holidays: [],
      open_hours_routing: { type: 'extension', extension_id: target.id },
      closed_hours_routing: { type: 'voicemail', extension_id: target.id },
    });

    const list = await businessHoursService.getAll();
    expect(Array.isArray(list.data)).toBe(true);
    expect(list.data.find((h) => h.id === created.id)).toEqual(updated);
    expect(list.data.some((h) => h.name === 'Office hours')).toBe(true);

    await expect(businessHoursService.delete(created.id)).resolves.toBeUndefined();
    await expectGone(businessHoursService.getById(created.id));
    await extensionsService.delete(target.id);
  });
});

describe('didsService round trip', () => {
  it('creates, reads, updates, lists and deletes a phone number', async () => {
    const [first, second] = [await virtualExtension(), await virtualExtension()];
    const phone = randomE164();
    const created = await didsService.create({
      phone_number: phone,
      friendly_name: 'Client test line',
      routing_type: 'extension',
      routing_config: { extension_id: first.id },
    });
    expect(created).toMatchObject({
      organization_id: orgId(),
      phone_number: phone,
      friendly_name: 'Client test line',
      routing_type: 'extension',
      routing_config: { extension_id: first.id },
      status: 'active',
    });

    expect(await didsService.getById(created.id)).toEqual(created);

    const updated = await didsService.update(created.id, {
      friendly_name: 'Client test line (moved)',
      routing_config: { extension_id: second.id },
      status: 'inactive',
    });
    expect(updated).toMatchObject({
      id: created.id,
      phone_number: phone,
      friendly_name: 'Client test line (moved)',
      routing_type: 'extension',
      routing_config: { extension_id: second.id },
      status: 'inactive',
    });

    const list = await didsService.getAll({ search: phone.slice(-7), status: 'inactive' });
    expect(list.data.map((d) => d.id)).toEqual([created.id]);
    expect(list.meta).toMatchObject({ current_page: 1, total: 1, has_more: false });

    await expect(didsService.delete(created.id)).resolves.toBeUndefined();
    await expectGone(didsService.getById(created.id));
    await extensionsService.delete(first.id);
    await extensionsService.delete(second.id);
  });
});

describe('the seed forms, every routing type (voicemail with no mailbox named)', () => {
  it('didsService creates and re-routes a number to every routing type, voicemail with only a greeting', async () => {
    const ext = await virtualExtension();
    const group = await ringGroupsService.create({
      name: unique('Every type group'),
      strategy: 'simultaneous',
      timeout: 20,
      members: [{ extension_id: ext.id, priority: 1 }],
      fallback_action: { type: 'voicemail' },
    });
    const hours = await businessHoursService.create({
      name: unique('Every type hours'),
      timezone: 'UTC',
      schedules: [{ day_of_week: 1, open_time: '09:00', close_time: '17:00' }],
      holidays: [],
      open_hours_routing: { type: 'extension', extension_id: ext.id },
      closed_hours_routing: { type: 'voicemail' },
    });
    expect(hours.closed_hours_routing).toEqual({ type: 'voicemail' });

    // What the seed's DID form sends for voicemail: the greeting, no extension.
    const did = await didsService.create({
      phone_number: randomE164(),
      routing_type: 'voicemail',
      routing_config: { voicemail_greeting: 'Leave us a message.' },
    });
    expect(did).toMatchObject({ routing_type: 'voicemail', routing_config: { voicemail_greeting: 'Leave us a message.' } });
    expect(did.routing_config.extension_id).toBeUndefined();

    const configs = {
      extension: { extension_id: ext.id },
      ring_group: { ring_group_id: group.id },
      business_hours: { business_hours_id: hours.id },
      voicemail: {},
    } as const;
    for (const [type, config] of Object.entries(configs) as Array<[keyof typeof configs, Record<string, string>]>) {
      const updated = await didsService.update(did.id, { routing_type: type, routing_config: config });
      expect(updated.routing_type).toBe(type);
      expect(updated.routing_config).toMatchObject(config);
    }
    // Switching to voicemail without a routing_config: the new type needs none.
    await didsService.update(did.id, { routing_type: 'extension', routing_config: { extension_id: ext.id } });
    const switched = await didsService.update(did.id, { routing_type: 'voicemail' });
    expect(switched.routing_type).toBe('voicemail');
    expect(switched.routing_config.extension_id).toBeUndefined();
    // A type that needs a target still says which field is missing.
    const failure = await apiFailure(didsService.update(did.id, { routing_type: 'ring_group' }));
    expect(failure.response.status).toBe(422);
    expect(failure.response.data.error.details).toEqual([expect.objectContaining({ field: 'routing_config.ring_group_id' })]);

    await didsService.delete(did.id);
    await businessHoursService.delete(hours.id);
    await ringGroupsService.delete(group.id);
    await extensionsService.delete(ext.id);
  });
});
