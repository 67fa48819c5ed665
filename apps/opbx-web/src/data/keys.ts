/**
 * Query keys by domain. Every key of a domain starts with its root, so one
 * `invalidateQueries({ queryKey: keys.extensions.root })` refreshes lists, details and pickers.
 */
export const keys = {
  me: ['auth', 'me'] as const,
  organization: ['organization'] as const,
  clientConfig: ['client-config'] as const,
  cloudonix: ['settings', 'cloudonix'] as const,
  /** The dashboard's go-live checklist (Cloudonix, numbers, a first call). */
  onboarding: ['onboarding'] as const,
  dashboard: {
    root: ['dashboard'] as const,
    stats: ['dashboard', 'stats'] as const,
    recent: ['dashboard', 'recent-calls'] as const,
    live: ['dashboard', 'live-calls'] as const,
    volume: (period: string) => ['dashboard', 'call-volume', period] as const,
  },
  users: {
    root: ['users'] as const,
    list: (params: object) => ['users', 'list', params] as const,
    all: ['users', 'all'] as const,
  },
  extensions: {
    root: ['extensions'] as const,
    list: (params: object) => ['extensions', 'list', params] as const,
    one: (id: string) => ['extensions', 'one', id] as const,
    all: ['extensions', 'all'] as const,
    voicemails: (id: string, page: number) => ['extensions', 'voicemails', id, page] as const,
  },
  dids: {
    root: ['dids'] as const,
    list: (params: object) => ['dids', 'list', params] as const,
    all: ['dids', 'all'] as const,
  },
  ringGroups: {
    root: ['ring-groups'] as const,
    list: (params: object) => ['ring-groups', 'list', params] as const,
    one: (id: string) => ['ring-groups', 'one', id] as const,
    all: ['ring-groups', 'all'] as const,
  },
  businessHours: {
    root: ['business-hours'] as const,
    list: ['business-hours', 'list'] as const,
    one: (id: string) => ['business-hours', 'one', id] as const,
  },
  callLogs: {
    root: ['call-logs'] as const,
    list: (params: object) => ['call-logs', 'list', params] as const,
    one: (id: string) => ['call-logs', 'one', id] as const,
  },
  presence: ['realtime', 'presence'] as const,
};
