import { z } from 'zod';

import { emailSchema, listQuery, searchSchema, text } from './common.js';

export const STAFF_ROLES = ['super_admin', 'admin', 'support', 'finance', 'sales'] as const;
export const CUSTOMER_ROLES = ['customer_admin', 'developer', 'billing', 'viewer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type CustomerRole = (typeof CUSTOMER_ROLES)[number];
export const staffRole = z.enum(STAFF_ROLES);
export const customerRole = z.enum(CUSTOMER_ROLES);

export const membershipView = z.object({
  customer_id: z.string(),
  ban: z.string(),
  name: z.string(),
  role: customerRole,
});
export type Membership = z.infer<typeof membershipView>;

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  /** staff: the carrier's own people; customer: users of one or more customer accounts. */
  type: z.enum(['staff', 'customer']),
  /** The staff role; null for customer users (their roles are per account, in `memberships`). */
  role: staffRole.nullable(),
  memberships: z.array(membershipView),
  mfa_enabled: z.boolean(),
  status: z.enum(['active', 'disabled']),
  created_at: z.string(),
});
export type User = z.infer<typeof userView>;

/** A customer admin invites to its own account: a customer role. */
export const customerInvitationCreate = z.strictObject({
  email: emailSchema,
  role: customerRole,
  name: text(100).optional(),
});
export type CustomerInvitationCreate = z.infer<typeof customerInvitationCreate>;

/** Staff invite staff (a staff role, no customer) or a customer's user (a customer role and `customer_id`). */
export const adminInvitationCreate = z.strictObject({
  email: emailSchema,
  role: z.enum([...STAFF_ROLES, ...CUSTOMER_ROLES]),
  customer_id: z.string().max(64).optional(),
  name: text(100).optional(),
});
export type AdminInvitationCreate = z.infer<typeof adminInvitationCreate>;

export const invitationView = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  customer_id: z.string().nullable(),
  status: z.enum(['pending', 'accepted', 'expired', 'revoked']),
  expires_at: z.string(),
  created_at: z.string(),
});
export type Invitation = z.infer<typeof invitationView>;
/** The token is in the create answer only, with the portal link to pass to the invitee. */
export const invitationCreated = invitationView.extend({ token: z.string(), accept_url: z.string() });
export type InvitationCreated = z.infer<typeof invitationCreated>;

/** A user as a customer account sees it: with their role on that account. */
export const accountUserView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: customerRole,
  status: z.enum(['active', 'disabled']),
  mfa_enabled: z.boolean(),
  last_login_at: z.string().nullable(),
  created_at: z.string(),
});
export type AccountUser = z.infer<typeof accountUserView>;

/** A customer admin changes a member's role on the account. */
export const accountUserUpdate = z.strictObject({ role: customerRole });

/** Staff change a staff member's role, or disable / re-enable any user (disabling ends their sessions). */
export const adminUserUpdate = z.strictObject({
  role: staffRole.optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export type AdminUserUpdate = z.infer<typeof adminUserUpdate>;

export const adminUserListQuery = listQuery.extend({
  type: z.enum(['staff', 'customer']).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  /** Matches email or name. */
  search: searchSchema,
});
