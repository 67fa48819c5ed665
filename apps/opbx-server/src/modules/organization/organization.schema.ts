import { z } from 'zod';

import { e164Schema, nameSchema, timezoneSchema } from '../../http/schemas.js';

export const updateOrganizationBody = z.strictObject({
  name: nameSchema(255).optional(),
  timezone: timezoneSchema.optional(),
  settings: z
    .strictObject({
      default_caller_id: e164Schema.nullable().optional(),
      voicemail_enabled: z.boolean().nullable().optional(),
      recording_enabled: z.boolean().nullable().optional(),
    })
    .optional(),
});
export type UpdateOrganizationInput = z.infer<typeof updateOrganizationBody>;
