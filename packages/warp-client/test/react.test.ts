import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CustomerApiClient, memoryStorage } from '../src/index.js';
import { createCustomerHooks, customerMutations, customerQueries, warpKeys } from '../src/react/index.js';
import { ok, startServer, type TestServer } from './support/http-server.js';

let server: TestServer;
let api: CustomerApiClient;
beforeAll(async () => {
  server = await startServer();
  server.on('GET /billing/balance', (req, res) => ok(res, { balance: '42.00', auth: req.headers.authorization }));
  server.on('GET /metrics/current', (_req, res) => ok(res, { active_calls: 7 }));
  server.on('GET /account', (_req, res) => ok(res, { id: 'cust-1' }));
  server.on('GET /customers/cust-1/trunks', (_req, res) => ok(res, [{ id: 't1' }]));
  server.on('POST /customers/cust-1/trunks', (_req, res) => ok(res, { id: 't2' }, 201));
  api = new CustomerApiClient({ baseUrl: server.url, storage: memoryStorage() });
  api.setTokens('a1', 'r1');
});
afterAll(() => server.close());

describe('React Query factories and hooks', () => {
  it("a query's queryFn works detached from its factory and from the client (the seed lost `this`)", async () => {
    const { queryFn, queryKey, refetchInterval } = customerQueries(api).balance();
    expect(queryKey).toEqual(['billing', 'balance']);
    expect(refetchInterval).toBe(60_000);
    const detached = queryFn as unknown as (ctx: { signal: AbortSignal }) => Promise<{ data: unknown }>;
    expect((await detached({ signal: new AbortController().signal })).data).toEqual({ balance: '42.00', auth: 'Bearer a1' });
  });

  it('QueryClient.fetchQuery runs the factories through React Query itself, with its signal', async () => {
    const queryClient = new QueryClient();
    const metrics = await queryClient.fetchQuery(customerQueries(api).metrics());
    expect(metrics.data).toEqual({ active_calls: 7 });
    const trunks = await queryClient.fetchQuery(customerQueries(api).trunks({ status: 'active' }));
    expect(trunks.data).toEqual([{ id: 't1' }]);
    expect(queryClient.getQueryData(warpKeys.trunks.list({ status: 'active' }))).toEqual(trunks);
  });

  it('createTrunk mutation calls the client and invalidates every trunk query; the notifier replaces sonner', async () => {
    const queryClient = new QueryClient();
    await queryClient.fetchQuery(customerQueries(api).trunks());
    queryClient.setQueryData(warpKeys.trunks.detail('t1'), { data: { id: 't1' } });
    const messages: string[] = [];
    const { createTrunk } = customerMutations(api, queryClient, { success: (m) => messages.push(m) });
    const { mutationFn, onSuccess } = createTrunk;
    const created = await mutationFn({ name: 'new' });
    expect(created.data).toEqual({ id: 't2' });
    await onSuccess();
    expect(queryClient.getQueryState(warpKeys.trunks.list())?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(warpKeys.trunks.detail('t1'))?.isInvalidated).toBe(true);
    expect(messages).toEqual(['Trunk created successfully']);
  });

  it('a hook renders data from its query (react-dom/server, no JSX)', async () => {
    const queryClient = new QueryClient();
    await queryClient.prefetchQuery(customerQueries(api).balance());
    const { useBalance } = createCustomerHooks(api);
    function Balance() {
      const { data, status } = useBalance();
      return createElement('span', null, `${status}:${data?.data.balance}`);
    }
    const html = renderToString(createElement(QueryClientProvider, { client: queryClient }, createElement(Balance)));
    expect(html).toBe('<span>success:42.00</span>');
  });
});
