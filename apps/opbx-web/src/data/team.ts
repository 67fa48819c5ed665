import { api } from '@opbx/client';

/**
 * The server's endpoints beyond the spec for people: per-extension and per-ring-group figures on
 * the dashboard, and the colleague directory. Same axios instance as the services (token, 401).
 */

export type FiguresPeriod = 'day' | 'week' | 'month';

export interface CallFigures {
  calls: number;
  answered: number;
  missed: number;
  /** Seconds. */
  average_talk_time: number;
}

export interface AgentFigures extends CallFigures {
  extension_id: string;
  extension_number: string;
  name: string | null;
}

export interface RingGroupFigures extends CallFigures {
  ring_group_id: string;
  name: string;
}

export interface Figures<T> {
  period: FiguresPeriod;
  timezone: string;
  data: T[];
}

export type PresenceState = 'idle' | 'ringing' | 'on_call' | 'offline';

export interface Colleague {
  extension_id: string;
  extension_number: string;
  type: 'user' | 'virtual' | 'queue';
  name: string | null;
  presence: PresenceState | null;
}

export const teamService = {
  agents: (period: FiguresPeriod) => api.get<Figures<AgentFigures>>('/dashboard/agents', { params: { period } }).then((r) => r.data),
  ringGroups: (period: FiguresPeriod) => api.get<Figures<RingGroupFigures>>('/dashboard/ring-groups', { params: { period } }).then((r) => r.data),
  directory: () => api.get<{ data: Colleague[] }>('/directory').then((r) => r.data),
};

export const teamKeys = {
  // Under the chart's key: every call.ended that refreshes the chart refreshes these figures too.
  agents: (period: FiguresPeriod) => ['dashboard', 'call-volume', 'agents', period] as const,
  ringGroups: (period: FiguresPeriod) => ['dashboard', 'call-volume', 'ring-groups', period] as const,
  directory: ['directory'] as const,
};
