import Echo from 'laravel-echo';
import Pusher from 'pusher-js';

import api from '../api.js';
import { hasWindow, viteEnv } from '../env.js';
import type { CallEndedEvent, CallStartedEvent, CallUpdatedEvent, ExtensionStatusEvent } from '../types.js';

export type { CallEndedEvent, CallStartedEvent, CallUpdatedEvent, ExtensionStatusEvent } from '../types.js';

// Make Pusher available globally for Echo (there is no window in Node).
if (hasWindow()) {
  (window as unknown as { Pusher: typeof Pusher }).Pusher = Pusher;
} else {
  (globalThis as unknown as { Pusher: typeof Pusher }).Pusher = Pusher;
}

export interface WebsocketOptions {
  host?: string;
  port?: number | string;
  key?: string;
  cluster?: string;
  /** Where private channels are authorised; default: `/broadcasting/auth` on the API server's origin. */
  authEndpoint?: string;
}

const settings = {
  host: viteEnv('VITE_WEBSOCKET_HOST') || 'localhost',
  port: Number(viteEnv('VITE_WEBSOCKET_PORT') || 6001),
  key: viteEnv('VITE_WEBSOCKET_KEY') || 'opbx-app-key',
  cluster: viteEnv('VITE_WEBSOCKET_CLUSTER') || 'mt1',
  authEndpoint: undefined as string | undefined,
};

/** Overrides the realtime server settings for Echo instances created afterwards. */
export function configureWebsocket(options: WebsocketOptions): void {
  if (options.host !== undefined) settings.host = options.host;
  if (options.port !== undefined) settings.port = Number(options.port);
  if (options.key !== undefined) settings.key = options.key;
  if (options.cluster !== undefined) settings.cluster = options.cluster;
  if (options.authEndpoint !== undefined) settings.authEndpoint = options.authEndpoint;
}

/**
 * The API server authorises private channels, and it is not necessarily the page's origin
 * (Vite dev server) — in Node there is no page origin at all. A relative base URL keeps
 * Echo's relative default.
 */
function defaultAuthEndpoint(): string {
  try {
    return new URL('/broadcasting/auth', api.defaults.baseURL).toString();
  } catch {
    return '/broadcasting/auth';
  }
}

export const createEchoInstance = (authToken: string): Echo<'pusher'> => {
  return new Echo({
    broadcaster: 'pusher',
    key: settings.key,
    wsHost: settings.host,
    wsPort: settings.port,
    wssPort: settings.port,
    forceTLS: false,
    encrypted: false,
    disableStats: true,
    enabledTransports: ['ws', 'wss'],
    cluster: settings.cluster,
    authEndpoint: settings.authEndpoint ?? defaultAuthEndpoint(),
    auth: {
      headers: {
        Authorization: `Bearer ${authToken}`,
      },
    },
    // Echo only looks for window.Pusher; handing it the class works in Node as well.
    Pusher,
  });
};

export class WebSocketService {
  private echo: Echo<'pusher'> | null = null;
  private organizationId: string | null = null;

  /**
   * Initialize WebSocket connection
   */
  connect(authToken: string, organizationId: string): void {
    if (this.echo) {
      this.disconnect();
    }

    this.echo = createEchoInstance(authToken);
    this.organizationId = organizationId;
  }

  /**
   * Disconnect WebSocket
   */
  disconnect(): void {
    if (this.echo) {
      this.echo.disconnect();
      this.echo = null;
    }
    this.organizationId = null;
  }

  /**
   * Subscribe to organization's call events
   * Channel: private-organization.{orgId}.calls
   */
  subscribeToCallEvents(callbacks: {
    onCallStarted?: (event: CallStartedEvent) => void;
    onCallUpdated?: (event: CallUpdatedEvent) => void;
    onCallEnded?: (event: CallEndedEvent) => void;
  }): void {
    if (!this.echo || !this.organizationId) {
      console.error('WebSocket not connected');
      return;
    }

    const channel = this.echo.private(`organization.${this.organizationId}.calls`);

    if (callbacks.onCallStarted) {
      channel.listen('.call.started', callbacks.onCallStarted);
    }

    if (callbacks.onCallUpdated) {
      channel.listen('.call.updated', callbacks.onCallUpdated);
    }

    if (callbacks.onCallEnded) {
      channel.listen('.call.ended', callbacks.onCallEnded);
    }
  }

  /**
   * Subscribe to extension status events
   * Channel: private-organization.{orgId}.extensions
   */
  subscribeToExtensionStatus(callback: (event: ExtensionStatusEvent) => void): void {
    if (!this.echo || !this.organizationId) {
      console.error('WebSocket not connected');
      return;
    }

    this.echo.private(`organization.${this.organizationId}.extensions`).listen('.extension.status', callback);
  }

  /**
   * Leave a channel
   */
  leaveChannel(channelName: string): void {
    if (this.echo) {
      this.echo.leave(channelName);
    }
  }

  /**
   * Leave all channels
   */
  leaveAllChannels(): void {
    if (this.echo) {
      // Leave organization-specific channels
      if (this.organizationId) {
        this.echo.leave(`private-organization.${this.organizationId}.calls`);
        this.echo.leave(`private-organization.${this.organizationId}.extensions`);
      }
    }
  }
}

// Export singleton instance
export const websocketService = new WebSocketService();
