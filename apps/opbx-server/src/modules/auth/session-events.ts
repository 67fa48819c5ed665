import type { AppContext } from '../../context.js';

/**
 * Told to every instance after sessions end, so WebSocket subscriptions authorized by those
 * sessions end with them (a signed-out or deactivated user must stop receiving call events).
 */
export const SESSIONS_TOPIC = 'opbx.sessions';

type SessionEndReason = 'logout' | 'deactivated' | 'deleted' | 'password_changed' | 'email_changed' | 'revoked';

export interface SessionsEndedMessage {
  organization_id: string;
  user_id: string;
  /** The tokens that ended; absent means every session of the user. */
  token_ids?: string[];
  reason: SessionEndReason;
}

/** Call after the revoking write has committed. Never throws: the tokens are already dead in the database. */
export async function publishSessionsEnded(ctx: Pick<AppContext, 'bus'>, message: SessionsEndedMessage): Promise<void> {
  await ctx.bus.publish(SESSIONS_TOPIC, message).catch(() => undefined);
}
