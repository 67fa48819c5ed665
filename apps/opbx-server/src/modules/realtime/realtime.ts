import type { IncomingMessage } from 'node:http';

import { type Grant, PusherServer } from '@opbx/platform';

import { type AppContext, CONFIG_TOPIC } from '../../context.js';
import { SESSIONS_TOPIC, type SessionsEndedMessage } from '../auth/session-events.js';
import { presentCallLog, presentLiveCall } from '../call-logs/call-logs.presenter.js';
import { isTerminal } from '../call-records/call-state.js';
import { type CallBusMessage, CALLS_TOPIC, type PresenceBusMessage } from '../call-records/calls.ingest.js';
import type { VoiceRuntime } from '../voice/runtime.js';
import { callsChannel, extensionsChannel } from './channels.js';
import { type Member, MemberDirectory } from './directory.js';
import { grantOf } from './grants.js';

const PUSHER_API_TOPIC = 'opbx.pusher-api';

export interface Realtime {
  pusher: PusherServer;
  key: string;
  secret: string;
  /** The WebSocket port once listening (the web app asks for it). */
  port: number | null;
  close(): Promise<void>;
}

interface RealtimeOptions {
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** The client address of an upgrade request (the same proxy rule as the HTTP API). */
  ipOf?: (req: IncomingMessage) => string;
}

/**
 * Bridges call events to WebSocket channels. Every instance subscribes to the bus (Redis when
 * configured), so an event ingested on instance A reaches sockets connected to instance B.
 * What each socket receives follows its user's REST scope: managers every call of their
 * organization, agents only the calls of their own extension.
 */
export function createRealtime(ctx: AppContext, voice: VoiceRuntime, options: RealtimeOptions = {}): Realtime {
  const key = ctx.config.OPBX_WS_KEY;
  const secret = ctx.wsSecret;
  const c = ctx.config;
  // Pusher HTTP API triggers (another backend publishing to OPBX's clients) reach every instance.
  const relay = {
    trigger: (channel: string, event: string, data: string, except?: string) =>
      void ctx.bus.publish(PUSHER_API_TOPIC, { kind: 'trigger', channel, event, data, except }),
    terminateUser: (userId: string) => void ctx.bus.publish(PUSHER_API_TOPIC, { kind: 'terminate', userId }),
  };
  const pusher = new PusherServer({
    appKey: key,
    appSecret: secret,
    appId: c.OPBX_WS_APP_ID,
    relay,
    log: options.log,
    ipOf: options.ipOf,
    limits: {
      maxConnections: c.OPBX_WS_MAX_CONNECTIONS,
      maxConnectionsPerIp: c.OPBX_WS_MAX_CONNECTIONS_PER_IP,
      maxChannelsPerConnection: c.OPBX_WS_MAX_CHANNELS,
      subscriptionsPerSecond: c.OPBX_WS_SUBSCRIBE_RATE,
      messagesPerSecond: c.OPBX_WS_MESSAGE_RATE,
    },
  });
  const directory = new MemberDirectory(ctx);
  const involvement = new CallInvolvement();
  // One chain keeps each organization's events in the order they were published.
  let chain: Promise<void> = Promise.resolve();
  const offCalls = ctx.bus.subscribe(CALLS_TOPIC, (raw) => {
    chain = chain
      .then(() => deliver(raw as CallBusMessage | PresenceBusMessage))
      .catch((err: unknown) => options.log?.error({ err }, 'live call event not delivered'));
  });
  const offApi = ctx.bus.subscribe(PUSHER_API_TOPIC, (raw) => {
    const m = raw as { kind?: unknown; channel?: unknown; event?: unknown; data?: unknown; except?: unknown; userId?: unknown };
    if (m?.kind === 'trigger' && typeof m.channel === 'string' && typeof m.event === 'string' && typeof m.data === 'string') {
      pusher.triggerLocal(m.channel, m.event, m.data, typeof m.except === 'string' ? m.except : undefined);
    } else if (m?.kind === 'terminate' && typeof m.userId === 'string') pusher.terminateUserLocal(m.userId);
  });
  const offConfig = ctx.bus.subscribe(CONFIG_TOPIC, (raw) => {
    const org = (raw as { organization_id?: unknown } | undefined)?.organization_id;
    if (typeof org === 'string') directory.invalidate(org);
  });
  // A signed-out, deactivated or re-passworded user's sockets stop receiving at once.
  const offSessions = ctx.bus.subscribe(SESSIONS_TOPIC, (raw) => {
    const ended = raw as SessionsEndedMessage;
    if (typeof ended?.user_id !== 'string') return;
    directory.invalidate(ended.organization_id);
    void endedSessions(ended)
      .then((sessions) =>
        pusher.endSubscriptions((g) => {
          const grant = grantOf(g);
          return grant !== undefined && grant.user_id === ended.user_id && (sessions === 'all' || sessions.has(grant.session_id));
        }),
      )
      .catch((err: unknown) => options.log?.error({ err }, 'could not end the subscriptions of ended sessions'));
  });

  /** The sessions (see sessionOf) the ended tokens belonged to; 'all' when every session of the user ended. */
  async function endedSessions(ended: SessionsEndedMessage): Promise<Set<string> | 'all'> {
    if (!ended.token_ids) return 'all';
    if (ended.token_ids.length === 0) return new Set();
    const tokens = await ctx.db.selectFrom('api_tokens').select(['id', 'session_started_at', 'created_at']).where('id', 'in', ended.token_ids).execute();
    return new Set(tokens.map((t) => t.session_started_at ?? t.created_at));
  }

  // Channels nobody on this process watches are skipped before any event is built: the busy hour
  // produces far more call events than there are dashboards open.
  async function deliver(message: CallBusMessage | PresenceBusMessage) {
    if (message?.type === 'presence' && typeof message.organization_id === 'string') return deliverPresence(message.organization_id, message.presence);
    if (!message?.organization_id || !('call' in message) || !message.call) return;
    const org = message.organization_id;
    const calls = callsChannel(org);
    const seen = involvement.note(message);
    if (pusher.hasSubscribers(calls)) {
      const members = await directory.get(org);
      const watcher = (g: Grant | undefined) => watcherOf(members, g);
      if (isTerminal(message.call.status)) {
        // The end, or a later correction of the ended call's log (the CDR): the CallLog, as call.ended carries it.
        pusher.broadcastLocal(calls, message.type, { call_id: message.call.call_id, call: presentCallLog(message.call) }, (g) =>
          mayWatch(watcher(g), seen.all),
        );
      } else {
        const snap = await voice.snapshots.get(org).catch(() => undefined);
        const data = { call: presentLiveCall(message.call, snap) };
        // An agent's board learns of a call when it reaches their extension: for them that update is its start.
        const fresh = message.type === 'call.updated' ? seen.fresh : NONE;
        pusher.broadcastLocal(calls, message.type, data, (g) => mayWatch(watcher(g), seen.all, fresh));
        if (fresh.size) pusher.broadcastLocal(calls, 'call.started', data, (g) => isAgentOf(watcher(g), fresh));
      }
    }
    deliverPresence(org, message.presence);
  }

  function deliverPresence(org: string, presence: CallBusMessage['presence'] | undefined) {
    const extensions = extensionsChannel(org);
    if (!pusher.hasSubscribers(extensions)) return;
    for (const p of presence ?? []) {
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
      offCalls();
      offApi();
      offConfig();
      offSessions();
      await pusher.close();
    },
  };
}

/** The active member behind a subscription, or undefined (unknown, inactive or ungranted: sees nothing). */
function watcherOf(members: Map<string, Member>, raw: Grant | undefined): Member | undefined {
  const grant = grantOf(raw);
  const member = grant && members.get(grant.user_id);
  return member?.active ? member : undefined;
}

/**
 * The REST rule of call logs, applied per socket, with what a live board needs on top: managers
 * follow every call; an agent follows a call once it rings, is answered or is logged on their
 * extension. `except` holds the extensions that get this event under another name.
 */
function mayWatch(member: Member | undefined, involved: ReadonlySet<string>, except: ReadonlySet<string> = NONE): boolean {
  if (!member) return false;
  if (member.role !== 'agent') return true;
  return member.extensionId !== null && involved.has(member.extensionId) && !except.has(member.extensionId);
}

const isAgentOf = (member: Member | undefined, extensions: ReadonlySet<string>) =>
  member?.role === 'agent' && member.extensionId !== null && extensions.has(member.extensionId);

const NONE: ReadonlySet<string> = new Set();

/** Which extensions each live call has involved (rung, answered, logged on), and which joined with this event. */
class CallInvolvement {
  private readonly calls = new Map<string, Set<string>>();

  note(message: CallBusMessage): { all: ReadonlySet<string>; fresh: ReadonlySet<string> } {
    const key = `${message.organization_id} ${message.call.call_id}`;
    const all = this.calls.get(key) ?? new Set<string>();
    const fresh = new Set<string>();
    const add = (extensionId: string | null) => {
      if (extensionId && !all.has(extensionId)) {
        all.add(extensionId);
        fresh.add(extensionId);
      }
    };
    add(message.call.extension_id);
    for (const p of message.presence ?? []) if (p.current_call_id === message.call.call_id && p.status !== 'idle') add(p.extension_id);
    if (isTerminal(message.call.status)) this.calls.delete(key);
    else if (all.size) this.calls.set(key, all);
    // Calls whose end never arrives are closed by the stale-call sweep; this bound is for the rest.
    if (this.calls.size > 100_000) this.calls.delete(this.calls.keys().next().value!);
    return { all, fresh };
  }
}
