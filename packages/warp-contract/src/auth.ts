import { z } from 'zod';

import { emailSchema, responseMeta } from './common.js';
import { userView } from './users.js';

/** Passwords: 10–128 characters with a letter and a digit. */
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(128, 'must be at most 128 characters')
  .refine((s) => /[A-Za-z]/.test(s) && /\d/.test(s), 'must contain a letter and a digit');

export const loginRequest = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, 'is required').max(256),
  /** A 6-digit TOTP code, or one of the recovery codes. Required once MFA is enabled. */
  mfa_code: z.string().trim().max(32).optional(),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const refreshRequest = z.strictObject({ refresh_token: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof refreshRequest>;

export const authTokens = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  /** Seconds until the access token expires. */
  expires_in: z.number().int(),
});
export type AuthTokens = z.infer<typeof authTokens>;

export const authResponse = authTokens.extend({ user: userView });
export type AuthResponse = z.infer<typeof authResponse>;

/**
 * Login and refresh answer the tokens twice: at the top level (the seed's refresh reads them
 * there) and under `data` (its login reads `ApiResponse<AuthResponse>`).
 */
export const loginResponse = authResponse.extend({ data: authResponse, meta: responseMeta });
export const refreshResponse = authTokens.extend({ data: authTokens, meta: responseMeta });

export const mfaEnrolResponse = z.object({
  secret: z.string(),
  otpauth_url: z.string(),
  /** The otpauth URL as a PNG data URL, for an authenticator app to scan. */
  qr_code: z.string(),
});
export type MfaEnrolResponse = z.infer<typeof mfaEnrolResponse>;

export const mfaConfirmRequest = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'must be the 6-digit code'),
});
export const mfaConfirmResponse = z.object({ enabled: z.literal(true), recovery_codes: z.array(z.string()) });
export type MfaConfirmResponse = z.infer<typeof mfaConfirmResponse>;

export const mfaDisableRequest = z.strictObject({ password: z.string().min(1).max(256), code: z.string().trim().max(32) });

/** Changing the password ends the user's other sessions. */
export const passwordChangeRequest = z.strictObject({
  current_password: z.string().min(1, 'is required').max(256),
  new_password: passwordSchema,
});
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequest>;

export const invitationAcceptRequest = z.strictObject({
  token: z.string().min(1).max(256),
  password: passwordSchema,
  name: z.string().trim().min(1).max(100).optional(),
});
export type InvitationAcceptRequest = z.infer<typeof invitationAcceptRequest>;

export const oidcAuthorizeResponse = z.object({ authorization_url: z.string() });
