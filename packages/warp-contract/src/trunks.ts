import { z } from 'zod';

import { cidrSchema, listQuery, longText, moneySchema, text } from './common.js';
import { numberZone, rejectReason } from './routing.js';
import { decimalSchema } from './scalars.js';

export const TRUNK_STATUSES = ['active', 'suspended', 'testing', 'inactive'] as const;
export const TRUNK_DIRECTIONS = ['inbound', 'outbound', 'both'] as const;
export const TRUNK_AUTH_TYPES = ['ip_acl', 'digest', 'both'] as const;
export const DESTINATION_CLASSES = ['domestic', 'international', 'tollfree', 'premium'] as const;
export const CODECS = ['PCMU', 'PCMA', 'G729', 'G722', 'OPUS', 'GSM', 'iLBC', 'AMR', 'AMR-WB', 'telephone-event'] as const;
export const SIP_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;

export const trunkStatus = z.enum(TRUNK_STATUSES);
export const destinationClass = z.enum(DESTINATION_CLASSES);

const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Where WARP sends this customer's inbound (origination) calls. */
export const outboundDestination = z.strictObject({
  host: z
    .string()
    .trim()
    .max(253)
    .refine((h) => HOST_RE.test(h) || z.ipv4().safeParse(h).success || z.ipv6().safeParse(h).success, 'must be a hostname or IP address'),
  port: z.number().int().min(1).max(65535).default(5060),
  transport: z.enum(SIP_TRANSPORTS).default('udp'),
  priority: z.number().int().min(1).max(100).default(1),
});
export type OutboundDestination = z.infer<typeof outboundDestination>;

const prefix = z
  .string()
  .trim()
  .regex(/^\+?[0-9]{1,15}$/, 'must be 1 to 15 digits, optionally after +');

const fields = {
  name: text(100),
  description: longText(500).nullable(),
  status: trunkStatus,
  direction: z.enum(TRUNK_DIRECTIONS),
  auth_type: z.enum(TRUNK_AUTH_TYPES),
  allowed_ips: z.array(cidrSchema).max(100, 'at most 100 entries'),
  tech_prefix: z
    .string()
    .trim()
    .regex(/^[0-9#*]{1,10}$/, 'must be 1 to 10 digits, # or *')
    .nullable(),
  max_channels: z.number().int().min(1).max(100_000),
  max_cps: z.number().int().min(1).max(10_000),
  daily_spend_limit: moneySchema.nullable(),
  allowed_destinations: z.array(destinationClass).min(1, 'at least one class').max(4),
  blocked_prefixes: z.array(prefix).max(1000, 'at most 1000 entries'),
  codecs: z.array(z.enum(CODECS)).min(1, 'at least one codec').max(10),
  partition_id: z.string().uuid('must be a valid id').nullable(),
  outbound_destinations: z.array(outboundDestination).max(20, 'at most 20 destinations'),
};

export const trunkCreate = z.strictObject({
  name: fields.name,
  description: fields.description.optional(),
  status: fields.status.default('active'),
  direction: fields.direction.default('both'),
  auth_type: fields.auth_type.default('ip_acl'),
  allowed_ips: fields.allowed_ips.default([]),
  tech_prefix: fields.tech_prefix.optional(),
  max_channels: fields.max_channels.default(10),
  max_cps: fields.max_cps.default(5),
  daily_spend_limit: fields.daily_spend_limit.optional(),
  allowed_destinations: fields.allowed_destinations.default(['domestic']),
  blocked_prefixes: fields.blocked_prefixes.default([]),
  codecs: fields.codecs.default(['PCMU', 'PCMA']),
  partition_id: fields.partition_id.optional(),
  outbound_destinations: fields.outbound_destinations.default([]),
  /** overrides the customer's rate plan (staff only, like partition_id) */
  rate_plan: z
    .string()
    .trim()
    .regex(/^[\w.-]{1,64}$/, 'must be 1 to 64 letters, digits, . _ or -')
    .nullable()
    .optional(),
});
export type TrunkCreateRequest = z.input<typeof trunkCreate>;

export const trunkUpdate = z.strictObject({
  name: fields.name.optional(),
  description: fields.description.optional(),
  status: fields.status.optional(),
  direction: fields.direction.optional(),
  auth_type: fields.auth_type.optional(),
  allowed_ips: fields.allowed_ips.optional(),
  tech_prefix: fields.tech_prefix.optional(),
  max_channels: fields.max_channels.optional(),
  max_cps: fields.max_cps.optional(),
  daily_spend_limit: fields.daily_spend_limit.optional(),
  allowed_destinations: fields.allowed_destinations.optional(),
  blocked_prefixes: fields.blocked_prefixes.optional(),
  codecs: fields.codecs.optional(),
  partition_id: fields.partition_id.optional(),
  outbound_destinations: fields.outbound_destinations.optional(),
  rate_plan: z
    .string()
    .trim()
    .regex(/^[\w.-]{1,64}$/, 'must be 1 to 64 letters, digits, . _ or -')
    .nullable()
    .optional(),
});
export type TrunkUpdateRequest = z.input<typeof trunkUpdate>;

export const trunkView = z.object({
  id: z.string(),
  customer_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  status: trunkStatus,
  /** `status`, unless the customer account is suspended or terminated: then `suspended` (no traffic). */
  effective_status: trunkStatus,
  direction: z.enum(TRUNK_DIRECTIONS),
  auth_type: z.enum(TRUNK_AUTH_TYPES),
  allowed_ips: z.array(z.string()),
  /** The digest username (null for IP-ACL-only trunks); the password is never listed. */
  sip_username: z.string().nullable(),
  tech_prefix: z.string().nullable(),
  max_channels: z.number().int(),
  max_cps: z.number().int(),
  daily_spend_limit: z.string().nullable(),
  allowed_destinations: z.array(destinationClass),
  blocked_prefixes: z.array(z.string()),
  codecs: z.array(z.string()),
  partition_id: z.string().nullable(),
  outbound_destinations: z.array(outboundDestination),
  rate_plan: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Trunk = z.infer<typeof trunkView>;

export const trunkCredentials = z.object({ username: z.string(), password: z.string(), realm: z.string() });
export type TrunkCredentials = z.infer<typeof trunkCredentials>;

/** The create answer: the trunk, plus its digest credentials once (digest and both). */
export const trunkCreated = trunkView.extend({ credentials: trunkCredentials.optional() });
export type TrunkCreated = z.infer<typeof trunkCreated>;

export const trunkTestRequest = z.strictObject({
  test_number: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(32)
    .regex(/^\+?[0-9#* ().-]{2,31}$/, "must be a phone number (digits, optionally the trunk's tech prefix)"),
});
export const trunkTestResult = z.object({
  test_number: z.string(),
  /** E.164 after stripping the trunk's tech prefix and punctuation; NANP 10-digit numbers get +1. */
  normalized: z.string(),
  destination_class: destinationClass,
  allowed: z.boolean(),
  reasons: z.array(z.string()),
  /** `configured` since issue 13: the answer includes the route engine's customer-safe verdict. */
  route_engine: z.enum(['configured', 'not_configured']),
  /** the route engine would route the call (never which provider, nor its cost) */
  routable: z.boolean().optional(),
  reason_code: rejectReason.nullable().optional(),
  zone: numberZone.nullable().optional(),
  /** the customer's own per-minute rate for this destination */
  sell_rate: decimalSchema.nullable().optional(),
  message: z.string(),
});
export type TrunkTestResult = z.infer<typeof trunkTestResult>;

export const trunkListQuery = listQuery.extend({ status: trunkStatus.optional() });
export const adminTrunkListQuery = trunkListQuery.extend({
  customer_id: z.string().max(64).optional(),
  partition_id: z.string().max(64).optional(),
});
