import { createHmac } from 'node:crypto';

import { constantTimeEqual } from '../security/tokens.js';

/** Pusher channel-auth signatures (HMAC-SHA256 over `socket_id:channel[:channel_data]`, lowercase hex). */
export function signChannel(appKey: string, appSecret: string, socketId: string, channel: string, channelData?: string): string {
  const subject = channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
  return `${appKey}:${createHmac('sha256', appSecret).update(subject).digest('hex')}`;
}

export function verifyChannelAuth(appKey: string, appSecret: string, socketId: string, channel: string, auth: unknown, channelData?: string): boolean {
  if (typeof auth !== 'string') return false;
  return constantTimeEqual(signChannel(appKey, appSecret, socketId, channel, channelData), auth);
}

export const SOCKET_ID_RE = /^\d{1,20}\.\d{1,20}$/;
export const CHANNEL_NAME_RE = /^#?[-a-zA-Z0-9_=@,.;]{1,164}$/;
