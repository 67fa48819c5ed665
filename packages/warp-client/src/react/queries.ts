import { type QueryClient, queryOptions } from '@tanstack/react-query';
import type { TrunkCreateRequest, TrunkUpdateRequest } from '@warp/contract';

import type { AdminApiClient } from '../admin.js';
import type { CustomerApiClient } from '../customer.js';
import { warpKeys } from './keys.js';

/*
 * Query and mutation option factories. Every queryFn is an arrow that calls the method on its client and
 * passes React Query's AbortSignal (the seed handed `apiClient.getBalance` over unbound, losing `this`).
 * They work outside React too: `queryClient.fetchQuery(customerQueries(api).balance())`.
 */

type CustomerParams<M extends keyof CustomerApiClient> = CustomerApiClient[M] extends (...args: infer A) => unknown ? A : never;
type AdminParams<M extends keyof AdminApiClient> = AdminApiClient[M] extends (...args: infer A) => unknown ? A : never;

export function customerQueries(api: CustomerApiClient) {
  return {
    account: () => queryOptions({ queryKey: warpKeys.account, queryFn: ({ signal }) => api.getAccount({ signal }) }),
    trunks: (params?: CustomerParams<'getTrunks'>[0]) =>
      queryOptions({ queryKey: warpKeys.trunks.list(params), queryFn: ({ signal }) => api.getTrunks(params, { signal }) }),
    trunk: (trunkId: string) =>
      queryOptions({ queryKey: warpKeys.trunks.detail(trunkId), queryFn: ({ signal }) => api.getTrunk(trunkId, { signal }), enabled: !!trunkId }),
    numbers: (params?: CustomerParams<'getNumbers'>[0]) =>
      queryOptions({ queryKey: warpKeys.numbers.list(params), queryFn: ({ signal }) => api.getNumbers(params, { signal }) }),
    searchNumbers: (params: CustomerParams<'searchNumbers'>[0]) =>
      queryOptions({
        queryKey: warpKeys.numbers.search(params),
        queryFn: ({ signal }) => api.searchNumbers(params, { signal }),
        enabled: !!params.area_code || !!params.rate_center,
      }),
    cdrs: (params: CustomerParams<'getCDRs'>[0]) =>
      queryOptions({ queryKey: warpKeys.cdrs.list(params), queryFn: ({ signal }) => api.getCDRs(params, { signal }) }),
    messages: (params?: CustomerParams<'getMessages'>[0]) =>
      queryOptions({ queryKey: warpKeys.messages.list(params), queryFn: ({ signal }) => api.getMessages(params, { signal }) }),
    balance: () => queryOptions({ queryKey: warpKeys.billing.balance, queryFn: ({ signal }) => api.getBalance({ signal }), refetchInterval: 60_000 }),
    invoices: (params?: CustomerParams<'getInvoices'>[0]) =>
      queryOptions({ queryKey: warpKeys.billing.invoices(params), queryFn: ({ signal }) => api.getInvoices(params, { signal }) }),
    paymentMethods: () => queryOptions({ queryKey: warpKeys.billing.paymentMethods, queryFn: ({ signal }) => api.getPaymentMethods({ signal }) }),
    metrics: () => queryOptions({ queryKey: warpKeys.metrics.current, queryFn: ({ signal }) => api.getCurrentMetrics({ signal }), refetchInterval: 5_000 }),
    usage: (period: CustomerParams<'getUsageSummary'>[0], dates?: CustomerParams<'getUsageSummary'>[1]) =>
      queryOptions({ queryKey: warpKeys.metrics.usage(period, dates), queryFn: ({ signal }) => api.getUsageSummary(period, dates, { signal }) }),
    apiKeys: () => queryOptions({ queryKey: warpKeys.apiKeys.all, queryFn: ({ signal }) => api.getApiKeys({ signal }) }),
    webhooks: () => queryOptions({ queryKey: warpKeys.webhooks.all, queryFn: ({ signal }) => api.getWebhooks({ signal }) }),
  };
}

export function adminQueries(api: AdminApiClient) {
  return {
    customers: (params?: AdminParams<'getAllCustomers'>[0]) =>
      queryOptions({ queryKey: warpKeys.admin.customers.list(params), queryFn: ({ signal }) => api.getAllCustomers(params, { signal }) }),
    customer: (customerId: string) =>
      queryOptions({
        queryKey: warpKeys.admin.customers.detail(customerId),
        queryFn: ({ signal }) => api.getCustomer(customerId, { signal }),
        enabled: !!customerId,
      }),
    trunks: (params?: AdminParams<'getAllTrunks'>[0]) =>
      queryOptions({ queryKey: warpKeys.admin.trunks.list(params), queryFn: ({ signal }) => api.getAllTrunks(params, { signal }) }),
    partitions: () => queryOptions({ queryKey: warpKeys.admin.partitions.all, queryFn: ({ signal }) => api.getPartitions({ signal }) }),
    providers: () => queryOptions({ queryKey: warpKeys.admin.providers.all, queryFn: ({ signal }) => api.getProviders({ signal }) }),
    routes: (params?: AdminParams<'getRoutes'>[0]) =>
      queryOptions({ queryKey: warpKeys.admin.routes(params), queryFn: ({ signal }) => api.getRoutes(params, { signal }) }),
    rates: (params?: AdminParams<'getRates'>[0]) =>
      queryOptions({ queryKey: warpKeys.admin.rates(params), queryFn: ({ signal }) => api.getRates(params, { signal }) }),
    systemMetrics: () =>
      queryOptions({ queryKey: warpKeys.admin.systemMetrics, queryFn: ({ signal }) => api.getSystemMetrics({ signal }), refetchInterval: 5_000 }),
    activeCalls: () => queryOptions({ queryKey: warpKeys.admin.activeCalls, queryFn: ({ signal }) => api.getActiveCalls({ signal }), refetchInterval: 5_000 }),
    alerts: () => queryOptions({ queryKey: warpKeys.admin.alerts, queryFn: ({ signal }) => api.getSystemAlerts({ signal }) }),
    tickets: (params?: AdminParams<'getSupportTickets'>[0]) =>
      queryOptions({ queryKey: warpKeys.admin.tickets.list(params), queryFn: ({ signal }) => api.getSupportTickets(params, { signal }) }),
    cdrs: (params: AdminParams<'searchCDRs'>[0]) =>
      queryOptions({ queryKey: warpKeys.admin.cdrs.list(params), queryFn: ({ signal }) => api.searchCDRs(params, { signal }) }),
  };
}

/** What the seed did with sonner's toast; the app passes its own (or nothing). */
export interface Notifier {
  success?(message: string): void;
  error?(message: string, error: unknown): void;
}

const errorMessage = (error: unknown, fallback: string) =>
  error && typeof error === 'object' && 'message' in error && typeof error.message === 'string' && error.message ? error.message : fallback;

/** The seed's mutations, with their invalidations, as plain option objects. */
export function customerMutations(api: CustomerApiClient, queryClient: QueryClient, notify: Notifier = {}) {
  return {
    createTrunk: {
      mutationFn: (data: TrunkCreateRequest) => api.createTrunk(data),
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: warpKeys.trunks.all });
        notify.success?.('Trunk created successfully');
      },
      onError: (error: unknown) => notify.error?.(errorMessage(error, 'Failed to create trunk'), error),
    },
    updateTrunk: (trunkId: string) => ({
      mutationFn: (data: TrunkUpdateRequest) => api.updateTrunk(trunkId, data),
      onSuccess: async () => {
        // the detail key sits under the root key, so one invalidation covers both
        await queryClient.invalidateQueries({ queryKey: warpKeys.trunks.all });
        notify.success?.('Trunk updated successfully');
      },
      onError: (error: unknown) => notify.error?.(errorMessage(error, 'Failed to update trunk'), error),
    }),
    orderNumbers: {
      mutationFn: ({ numbers, trunkId }: { numbers: string[]; trunkId: string }) => api.orderNumbers(numbers, trunkId),
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: warpKeys.numbers.all });
        notify.success?.('Numbers ordered successfully');
      },
      onError: (error: unknown) => notify.error?.(errorMessage(error, 'Failed to order numbers'), error),
    },
    rechargeBalance: {
      mutationFn: ({ amount, paymentMethodId }: { amount: number; paymentMethodId: string }) => api.rechargeBalance(amount, paymentMethodId),
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: warpKeys.billing.balance });
        notify.success?.('Balance recharged successfully');
      },
      onError: (error: unknown) => notify.error?.(errorMessage(error, 'Failed to recharge balance'), error),
    },
  };
}
