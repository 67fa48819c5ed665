import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CreateExtensionRequest, extensionsService, usersService } from '../src/index.js';
import { apiFailure, DEMO, type LiveServer, signIn, startLiveServer } from './support/live-server.js';

let server: LiveServer;

beforeAll(async () => {
  server = await startLiveServer();
  await signIn();
});
afterAll(() => server.close());

/** What a form does with the spec's envelope: one message per field. */
const fieldErrors = (details: Array<{ field: string; message: string }> | undefined) => Object.fromEntries((details ?? []).map((d) => [d.field, d.message]));

describe('the error envelope, read from an AxiosError', () => {
  it('422 VALIDATION_ERROR names every bad field', async () => {
    const failure = await apiFailure(usersService.create({ name: 'Bad Input', email: 'not-an-email', password: 'short', role: 'agent' }));
    expect(failure.response.status).toBe(422);
    const { error } = failure.response.data;
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.any(String), request_id: expect.any(String) });
    expect(fieldErrors(error.details)).toMatchObject({ email: expect.any(String), password: expect.any(String) });
  });

  it('422 for a field the spec does not define', async () => {
    const body = { extension_number: '7999', type: 'virtual', ringtone: 'classic' } as CreateExtensionRequest;
    const failure = await apiFailure(extensionsService.create(body));
    expect(failure.response.status).toBe(422);
    expect(failure.response.data.error.code).toBe('VALIDATION_ERROR');
    // Named either as the field itself or (how the platform renders zod's unrecognized_keys today)
    // on "body" with the key quoted in the message.
    const details = failure.response.data.error.details ?? [];
    expect(details.some((d) => d.field === 'ringtone' || (d.field === 'body' && d.message.includes('"ringtone"')))).toBe(true);
  });

  it('409 CONFLICT for a duplicate extension number and a duplicate email', async () => {
    const ext = await apiFailure(extensionsService.create({ extension_number: '101', type: 'virtual' }));
    expect(ext.response.status).toBe(409);
    expect(ext.response.data.error).toMatchObject({ code: 'CONFLICT', message: expect.any(String), request_id: expect.any(String) });
    // The server currently names sip_config.username here (the SIP username defaults to the
    // number and its unique index trips first), so only the envelope is asserted.
    expect(ext.response.data.error.details?.length).toBeGreaterThan(0);

    const user = await apiFailure(usersService.create({ name: 'Twin', email: DEMO.email, password: 'twin-pass-1', role: 'agent' }));
    expect(user.response.status).toBe(409);
    expect(user.response.data.error.code).toBe('CONFLICT');
    expect(fieldErrors(user.response.data.error.details)).toHaveProperty('email');
  });

  it('409 CONFLICT when deleting an extension that is still routed to', async () => {
    // Demo extension 102 rings in the "Sales" ring group.
    const { data } = await extensionsService.getAll({ search: '102' });
    const member = data.find((e) => e.extension_number === '102')!;
    const failure = await apiFailure(extensionsService.delete(member.id));
    expect(failure.response.status).toBe(409);
    expect(failure.response.data.error.code).toBe('CONFLICT');
    expect(failure.response.data.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'ring_groups' })]));
    expect((await extensionsService.getById(member.id)).extension_number).toBe('102');
  });

  it('404 NOT_FOUND for an id that does not exist (or is not a uuid)', async () => {
    for (const id of ['0190e4a5-0000-7000-8000-000000000000', 'not-a-uuid']) {
      const failure = await apiFailure(usersService.getById(id));
      expect(failure.response.status).toBe(404);
      expect(failure.response.data.error.code).toBe('NOT_FOUND');
    }
  });
});
