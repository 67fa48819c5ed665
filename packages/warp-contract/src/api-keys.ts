import { z } from 'zod';

import { cidrSchema, isoDateTime, text } from './common.js';

/** The customer API's areas a key can be scoped to; later issues add theirs here. */
export const SCOPE_AREAS = ['account', 'trunks', 'api_keys', 'webhooks', 'numbers', 'messages', 'cdrs', 'billing'] as const;
export type ScopeArea = (typeof SCOPE_AREAS)[number];
export const API_KEY_SCOPES = SCOPE_AREAS.flatMap((a) => [`${a}:read`, `${a}:write`] as const);
/** `resource:read` allows GET; `resource:write` allows every method (write implies read). */
export const apiKeyScope = z.enum(API_KEY_SCOPES as unknown as [string, ...string[]]);

export const apiKeyCreate = z.strictObject({
  name: text(100),
  scopes: z.array(apiKeyScope).min(1, 'at least one scope').max(API_KEY_SCOPES.length),
  allowed_ips: z.array(cidrSchema).max(50, 'at most 50 entries').optional(),
  expires_at: isoDateTime.optional(),
});
export type ApiKeyCreate = z.input<typeof apiKeyCreate>;

export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  /** The key's first characters (`warp_live_AbCd1234`), to recognise it; never the secret. */
  prefix: z.string(),
  scopes: z.array(z.string()),
  allowed_ips: z.array(z.string()),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  last_used_ip: z.string().nullable(),
  created_at: z.string(),
});
export type ApiKey = z.infer<typeof apiKeyView>;

/** The create answer: the only time `secret` is shown. */
export const apiKeyCreated = apiKeyView.extend({ secret: z.string() });
export type ApiKeyCreated = z.infer<typeof apiKeyCreated>;
