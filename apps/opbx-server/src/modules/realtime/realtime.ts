import { PusherServer } from '@opbx/platform';
import type { AppContext } from '../../context.js';
import { CALLS_TOPIC, type CallBusMessage } from '../calls/calls.ingest.js';
import { presentCallLog, presentLiveCall } from '../call-logs/call-logs.presenter.js';
import type { VoiceRuntime } from '../voice/runtime.js';
import { callsChannel, extensionsChannel } from './channels.js';

export interface Realtime {
  pusher: PusherServer;
  key: string;
  secret: string;
  /** The WebSocket port once listening (the web app asks for it). */
  port: number | null;
  close(): Promise<void>;
}

/**
 * Bridges call events to WebSocket channels. Every instance subscribes to the bus (Redis when
 * configured), so an event ingested on instance A reaches sockets connected to instance B.
 */
export function createRealtime(ctx: AppContext, voice: VoiceRuntime): Realtime {
  const key = ctx.config.OPBX_WS_KEY;
  const secret = ctx.wsSecret;
  const pusher = new PusherServer({ appKey: key, appSecret: secret });
  // One chain keeps each organization's events in the order they were published.
  let chain: Promise<void> = Promise.resolve();
  const unsubscribe = ctx.bus.subscribe(CALLS_TOPIC, (raw) => {
    chain = chain.then(() => deliver(raw as CallBusMessage)).catch(() => undefined);
  });

  // Channels nobody on this process watches are skipped before any event is built: the busy hour
  // produces far more call events than there are dashboards open.
  async function deliver(message: CallBusMessage) {
    if (!message?.organization_id || !message.call) return;
    const org = message.organization_id;
    const calls = callsChannel(org);
    if (pusher.hasSubscribers(calls)) {
      if (message.type === 'call.ended') {
        pusher.broadcastLocal(calls, 'call.ended', { call_id: message.call.call_id, call: presentCallLog(message.call) });
      } else {
        const snap = await voice.snapshots.get(org).catch(() => undefined);
        pusher.broadcastLocal(calls, message.type, { call: presentLiveCall(message.call, snap) });
      }
    }
    const extensions = extensionsChannel(org);
    if (!pusher.hasSubscribers(extensions)) return;
    for (const p of message.presence ?? []) {
      pusher.broadcastLocal(extensions, 'extension.status', {
        extension_id: p.extension_id,
        status: p.status,
        ...(p.current_call_id ? { current_call_id: p.current_call_id } : {}),
      });
    }
  }

  return {
    pusher,
    key,
    secret,
    port: null,
    async close() {
      unsubscribe();
      await pusher.close();
    },
  };
}
