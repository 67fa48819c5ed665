import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { AdminApiClient } from '../admin.js';
import type { CustomerApiClient } from '../customer.js';
import { adminQueries, customerMutations, customerQueries, type Notifier } from './queries.js';

/*
 * The seed's hooks, bound to one client: `export const { useTrunks, useBalance } = createCustomerHooks(apiClient)`.
 * Plain hooks (no JSX, no provider of our own): React Query's QueryClientProvider is all they need.
 */

type Arg<F> = F extends (...args: infer A) => unknown ? A : never;

export function createCustomerHooks(api: CustomerApiClient, notify: Notifier = {}) {
  const q = customerQueries(api);
  const useMutations = () => customerMutations(api, useQueryClient(), notify);
  return {
    useAccount: () => useQuery(q.account()),
    useTrunks: (...args: Arg<typeof q.trunks>) => useQuery(q.trunks(...args)),
    useTrunk: (trunkId: string) => useQuery(q.trunk(trunkId)),
    useCreateTrunk: () => useMutation(useMutations().createTrunk),
    useUpdateTrunk: (trunkId: string) => useMutation(useMutations().updateTrunk(trunkId)),
    useNumbers: (...args: Arg<typeof q.numbers>) => useQuery(q.numbers(...args)),
    useSearchNumbers: (...args: Arg<typeof q.searchNumbers>) => useQuery(q.searchNumbers(...args)),
    useOrderNumbers: () => useMutation(useMutations().orderNumbers),
    useCDRs: (...args: Arg<typeof q.cdrs>) => useQuery(q.cdrs(...args)),
    useMessages: (...args: Arg<typeof q.messages>) => useQuery(q.messages(...args)),
    useBalance: () => useQuery(q.balance()),
    useInvoices: (...args: Arg<typeof q.invoices>) => useQuery(q.invoices(...args)),
    usePaymentMethods: () => useQuery(q.paymentMethods()),
    useRechargeBalance: () => useMutation(useMutations().rechargeBalance),
    useMetrics: () => useQuery(q.metrics()),
    useUsageSummary: (...args: Arg<typeof q.usage>) => useQuery(q.usage(...args)),
    useApiKeys: () => useQuery(q.apiKeys()),
    useWebhooks: () => useQuery(q.webhooks()),
  };
}

export function createAdminHooks(api: AdminApiClient) {
  const q = adminQueries(api);
  return {
    useCustomers: (...args: Arg<typeof q.customers>) => useQuery(q.customers(...args)),
    useCustomer: (customerId: string) => useQuery(q.customer(customerId)),
    useAllTrunks: (...args: Arg<typeof q.trunks>) => useQuery(q.trunks(...args)),
    usePartitions: () => useQuery(q.partitions()),
    useProviders: () => useQuery(q.providers()),
    useRoutes: (...args: Arg<typeof q.routes>) => useQuery(q.routes(...args)),
    useRates: (...args: Arg<typeof q.rates>) => useQuery(q.rates(...args)),
    useSystemMetrics: () => useQuery(q.systemMetrics()),
    useActiveCalls: () => useQuery(q.activeCalls()),
    useSystemAlerts: () => useQuery(q.alerts()),
    useSupportTickets: (...args: Arg<typeof q.tickets>) => useQuery(q.tickets(...args)),
    useCDRSearch: (...args: Arg<typeof q.cdrs>) => useQuery(q.cdrs(...args)),
  };
}
