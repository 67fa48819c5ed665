/**
 * What `/broadcasting/auth` signs into each private or presence subscription (as Pusher's
 * `channel_data`, which pusher-js sends back verbatim): who subscribed and with which session.
 * Any instance can then filter events per user and end the subscriptions of ended sessions,
 * without asking the instance that authorized them.
 */
interface SubscriptionGrant {
  user_id: string;
  /** The session, named by when it began (see sessionOf in broadcasting.routes.ts). */
  session_id: string;
}

export const grantOf = (raw: Readonly<Record<string, unknown>> | undefined): SubscriptionGrant | undefined =>
  raw && typeof raw.user_id === 'string' && typeof raw.session_id === 'string' ? { user_id: raw.user_id, session_id: raw.session_id } : undefined;
