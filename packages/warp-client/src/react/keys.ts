/**
 * Query keys, one factory per area. Lists and details sit under their area's root key, so invalidating
 * `warpKeys.trunks.all` refreshes both (the seed's `['trunks', params]` and `['trunks', trunkId]` could collide).
 */
type Params = object | undefined;

const area = <const A extends string>(name: A) => ({
  all: [name] as const,
  list: (params?: Params) => [name, 'list', params ?? {}] as const,
  detail: (id: string) => [name, 'detail', id] as const,
});

export const warpKeys = {
  account: ['account'] as const,
  trunks: { ...area('trunks'), credentials: (id: string) => ['trunks', 'detail', id, 'credentials'] as const },
  numbers: { ...area('numbers'), search: (params: Params) => ['numbers', 'search', params ?? {}] as const },
  tollfree: {
    all: ['tollfree'] as const,
    search: (params: Params) => ['tollfree', 'search', params ?? {}] as const,
    status: (tfn: string) => ['tollfree', 'status', tfn] as const,
  },
  messages: area('messages'),
  cdrs: area('cdrs'),
  billing: {
    all: ['billing'] as const,
    balance: ['billing', 'balance'] as const,
    invoices: (params?: Params) => ['billing', 'invoices', params ?? {}] as const,
    invoice: (id: string) => ['billing', 'invoices', 'detail', id] as const,
    paymentMethods: ['billing', 'payment-methods'] as const,
  },
  metrics: {
    all: ['metrics'] as const,
    current: ['metrics', 'current'] as const,
    usage: (period: string, dates?: Params) => ['metrics', 'usage', period, dates ?? {}] as const,
  },
  apiKeys: area('api-keys'),
  webhooks: area('webhooks'),
  admin: {
    customers: area('admin-customers'),
    trunks: area('admin-trunks'),
    partitions: area('partitions'),
    providers: area('providers'),
    routes: (params?: Params) => ['routes', params ?? {}] as const,
    rates: (params?: Params) => ['rates', params ?? {}] as const,
    systemMetrics: ['system', 'metrics'] as const,
    activeCalls: ['system', 'active-calls'] as const,
    alerts: ['system', 'alerts'] as const,
    tickets: area('tickets'),
    cdrs: area('admin-cdrs'),
  },
};
