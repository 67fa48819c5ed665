import { randomBytes } from 'node:crypto';

import { AppError, conflict, newId, nowIso, sha256Hex, verifyPassword } from '@opbx/platform';
import type { MfaConfirmResponse, MfaEnrolResponse } from '@warp/contract';
import type { Kysely } from 'kysely';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';

import type { AppContext } from '../../context.js';
import type { Database, UsersTable } from '../../db/schema.js';
import type { Actor } from '../../http/auth.js';
import { audit } from '../audit/audit.service.js';

// One step either side: authenticator clocks drift.
authenticator.options = { window: 1 };

const ISSUER = 'WARP';
const RECOVERY_CODES = 10;

const recoveryCode = () => {
  const raw = randomBytes(8).toString('hex');
  return `${raw.slice(0, 8)}-${raw.slice(8)}`;
};
const normalizeRecovery = (code: string) => code.trim().toLowerCase();

/**
 * Starts enrolment: a new secret (kept encrypted, not yet enforced) and the otpauth URI with its
 * QR code. Enforced only once confirmed with a code from the app.
 */
export async function enrol(ctx: AppContext, user: UsersTable): Promise<MfaEnrolResponse> {
  if (user.mfa_enabled) throw conflict('Two-factor authentication is already enabled');
  const secret = authenticator.generateSecret(20);
  await ctx.db
    .updateTable('users')
    .set({ mfa_secret_enc: ctx.secrets.encrypt(secret), updated_at: nowIso() })
    .where('id', '=', user.id)
    .execute();
  const otpauth_url = authenticator.keyuri(user.email, ISSUER, secret);
  return { secret, otpauth_url, qr_code: await QRCode.toDataURL(otpauth_url) };
}

export async function confirm(ctx: AppContext, actor: Actor, user: UsersTable, code: string): Promise<MfaConfirmResponse> {
  if (user.mfa_enabled) throw conflict('Two-factor authentication is already enabled');
  if (!user.mfa_secret_enc) throw conflict('Start enrolment first (POST /auth/mfa/enroll)');
  // Checked, not spent: confirming is not a sign-in, and the user's next step is usually to sign
  // in with the code still on screen.
  if (!authenticator.check(code, ctx.secrets.decrypt(user.mfa_secret_enc))) {
    throw new AppError('VALIDATION_ERROR', 'The code is not valid', [{ field: 'code', message: 'does not match the authenticator app' }]);
  }
  const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
    await trx
      .insertInto('recovery_codes')
      .values(codes.map((c) => ({ id: newId(), user_id: user.id, code_hash: sha256Hex(normalizeRecovery(c)), used_at: null })))
      .execute();
    await trx.updateTable('users').set({ mfa_enabled: 1, updated_at: nowIso() }).where('id', '=', user.id).execute();
    await audit(trx, actor, { action: 'user.mfa_enabled', customerId: null, targetType: 'user', targetId: user.id });
  });
  return { enabled: true, recovery_codes: codes };
}

/**
 * Spends a TOTP code: valid now (± one step) and of a later time step than the last code this
 * user spent, so a code seen by someone else cannot be replayed. Atomic across instances.
 */
async function spendTotp(ctx: AppContext, db: Kysely<Database>, user: UsersTable, code: string): Promise<boolean> {
  const delta = authenticator.checkDelta(code, ctx.secrets.decrypt(user.mfa_secret_enc!));
  if (delta === null) return false;
  const step = Math.floor(Date.now() / 1000 / authenticator.allOptions().step) + delta;
  const spent = await db
    .updateTable('users')
    .set({ mfa_last_step: step })
    .where('id', '=', user.id)
    .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1;
}

/** A TOTP code, or an unused recovery code (which is then spent). */
export async function verifySecondFactor(ctx: AppContext, db: Kysely<Database>, user: UsersTable, code: string): Promise<boolean> {
  if (!user.mfa_secret_enc) return false;
  if (/^\d{6}$/.test(code)) return spendTotp(ctx, db, user, code);
  const spent = await db
    .updateTable('recovery_codes')
    .set({ used_at: nowIso() })
    .where('user_id', '=', user.id)
    .where('code_hash', '=', sha256Hex(normalizeRecovery(code)))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1;
}

export async function disable(ctx: AppContext, actor: Actor, user: UsersTable, password: string, code: string): Promise<void> {
  if (!user.mfa_enabled) throw conflict('Two-factor authentication is not enabled');
  const passwordOk = user.password_hash ? await verifyPassword(user.password_hash, password) : false;
  if (!passwordOk || !(await verifySecondFactor(ctx, ctx.db, user, code))) throw new AppError('UNAUTHORIZED', 'The password or code is not valid');
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
    await trx.updateTable('users').set({ mfa_enabled: 0, mfa_secret_enc: null, mfa_last_step: null, updated_at: nowIso() }).where('id', '=', user.id).execute();
    await audit(trx, actor, { action: 'user.mfa_disabled', customerId: null, targetType: 'user', targetId: user.id });
  });
}
