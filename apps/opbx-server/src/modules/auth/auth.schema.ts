import { z } from 'zod';

export const loginBody = z.strictObject({
  email: z.string().trim().max(254).email('must be a valid email address'),
  password: z.string().min(1, 'is required').max(256),
});
