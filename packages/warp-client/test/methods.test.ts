import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminApiClient, CustomerApiClient, memoryStorage } from '../src/index.js';
import { ok, startServer, type TestServer } from './support/http-server.js';

/*
 * Every seed method sends the seed's HTTP method, path, query and body. The server side of most of these
 * comes in later issues; this pins the client to the seed until their live tests replace it.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.on('GET /account', (_req, res) => ok(res, { id: 'cust-1' }));
  server.on('*', (_req, res) => ok(res, { download_url: 'https://files.example/x' }));
});
afterAll(() => server.close());

type Call = [string, (c: never) => Promise<unknown>, string, unknown?];

const csv = new Blob(['prefix,rate\n1,0.01\n']);
const customerCalls: Call[] = [
  ['getAccount', (c: CustomerApiClient) => c.getAccount(), 'GET /v1/account'],
  ['updateAccount', (c: CustomerApiClient) => c.updateAccount({ contact: { name: 'N' } }), 'PATCH /v1/account', { contact: { name: 'N' } }],
  ['getTrunks', (c: CustomerApiClient) => c.getTrunks({ status: 'active' }), 'GET /v1/customers/cust-1/trunks?status=active'],
  ['getTrunk', (c: CustomerApiClient) => c.getTrunk('t1'), 'GET /v1/trunks/t1'],
  ['createTrunk', (c: CustomerApiClient) => c.createTrunk({ name: 'T' }), 'POST /v1/customers/cust-1/trunks', { name: 'T' }],
  ['updateTrunk', (c: CustomerApiClient) => c.updateTrunk('t1', { max_cps: 5 }), 'PATCH /v1/trunks/t1', { max_cps: 5 }],
  ['deleteTrunk', (c: CustomerApiClient) => c.deleteTrunk('t1'), 'DELETE /v1/trunks/t1'],
  ['testTrunk', (c: CustomerApiClient) => c.testTrunk('t1', '+15551230000'), 'POST /v1/trunks/t1/test', { test_number: '+15551230000' }],
  ['getTrunkCredentials', (c: CustomerApiClient) => c.getTrunkCredentials('t1'), 'GET /v1/trunks/t1/credentials'],
  ['getNumbers', (c: CustomerApiClient) => c.getNumbers({ trunk_id: 't1', page: 1 }), 'GET /v1/numbers?trunk_id=t1&page=1'],
  ['searchNumbers', (c: CustomerApiClient) => c.searchNumbers({ area_code: '212', limit: 5 }), 'GET /v1/numbers/search?area_code=212&limit=5'],
  ['orderNumbers', (c: CustomerApiClient) => c.orderNumbers(['+12125550100'], 't1'), 'POST /v1/numbers/order', { numbers: ['+12125550100'], trunk_id: 't1' }],
  ['releaseNumber', (c: CustomerApiClient) => c.releaseNumber('n1'), 'DELETE /v1/numbers/n1'],
  ['updateE911', (c: CustomerApiClient) => c.updateE911('n1', 'a1'), 'PATCH /v1/numbers/n1/e911', { address_id: 'a1' }],
  ['portNumbers', (c: CustomerApiClient) => c.portNumbers({ numbers: ['+12125550100'] } as never), 'POST /v1/numbers/port', { numbers: ['+12125550100'] }],
  ['getPortStatus', (c: CustomerApiClient) => c.getPortStatus('p1'), 'GET /v1/numbers/port/p1/status'],
  [
    'searchTollFreeNumbers',
    (c: CustomerApiClient) => c.searchTollFreeNumbers({ pattern: 'FLOWERS', consecutive: true }),
    'GET /v1/numbers/tollfree/search?pattern=FLOWERS&consecutive=true',
  ],
  ['reserveTollFreeNumber', (c: CustomerApiClient) => c.reserveTollFreeNumber('8005550100'), 'POST /v1/numbers/tollfree/reserve', { tfn: '8005550100' }],
  [
    'provisionTollFreeNumber',
    (c: CustomerApiClient) => c.provisionTollFreeNumber('8005550100', 't1'),
    'POST /v1/numbers/tollfree/provision',
    { tfn: '8005550100', trunk_id: 't1' },
  ],
  [
    'updateTollFreeRouting',
    (c: CustomerApiClient) => c.updateTollFreeRouting('8005550100', { trunk_id: 't1' }),
    'PUT /v1/numbers/tollfree/8005550100/routing',
    { trunk_id: 't1' },
  ],
  ['enableTollFreeSMS', (c: CustomerApiClient) => c.enableTollFreeSMS('8005550100', {}), 'POST /v1/numbers/tollfree/8005550100/sms/enable', {}],
  ['getTollFreeStatus', (c: CustomerApiClient) => c.getTollFreeStatus('8005550100'), 'GET /v1/numbers/tollfree/8005550100/status'],
  ['sendSMS', (c: CustomerApiClient) => c.sendSMS({ from: '+1', to: '+2', body: 'b' }), 'POST /v1/messages/sms', { from: '+1', to: '+2', body: 'b' }],
  [
    'sendMMS',
    (c: CustomerApiClient) => c.sendMMS({ from: '+1', to: '+2', media_urls: ['u'] }),
    'POST /v1/messages/mms',
    { from: '+1', to: '+2', media_urls: ['u'] },
  ],
  ['getMessages', (c: CustomerApiClient) => c.getMessages({ direction: 'inbound' }), 'GET /v1/messages?direction=inbound'],
  ['getMessage', (c: CustomerApiClient) => c.getMessage('m1'), 'GET /v1/messages/m1'],
  ['getCDRs', (c: CustomerApiClient) => c.getCDRs({ date_from: '2026-01-01', date_to: '2026-01-02' }), 'GET /v1/cdrs?date_from=2026-01-01&date_to=2026-01-02'],
  [
    'exportCDRs',
    (c: CustomerApiClient) => c.exportCDRs({ date_from: 'a', date_to: 'b', format: 'csv' }),
    'POST /v1/cdrs/export',
    { date_from: 'a', date_to: 'b', format: 'csv' },
  ],
  ['getBalance', (c: CustomerApiClient) => c.getBalance(), 'GET /v1/billing/balance'],
  ['getInvoices', (c: CustomerApiClient) => c.getInvoices({ status: 'open' }), 'GET /v1/billing/invoices?status=open'],
  ['getInvoice', (c: CustomerApiClient) => c.getInvoice('i1'), 'GET /v1/billing/invoices/i1'],
  ['downloadInvoice', (c: CustomerApiClient) => c.downloadInvoice('i1'), 'GET /v1/billing/invoices/i1/download'],
  ['getPaymentMethods', (c: CustomerApiClient) => c.getPaymentMethods(), 'GET /v1/billing/payment-methods'],
  [
    'addPaymentMethod',
    (c: CustomerApiClient) => c.addPaymentMethod({ type: 'card', token: 'tok' }),
    'POST /v1/billing/payment-methods',
    { type: 'card', token: 'tok' },
  ],
  ['deletePaymentMethod', (c: CustomerApiClient) => c.deletePaymentMethod('pm1'), 'DELETE /v1/billing/payment-methods/pm1'],
  ['setDefaultPaymentMethod', (c: CustomerApiClient) => c.setDefaultPaymentMethod('pm1'), 'PATCH /v1/billing/payment-methods/pm1/default', {}],
  ['rechargeBalance', (c: CustomerApiClient) => c.rechargeBalance(50, 'pm1'), 'POST /v1/billing/recharge', { amount: 50, payment_method_id: 'pm1' }],
  ['getCurrentMetrics', (c: CustomerApiClient) => c.getCurrentMetrics(), 'GET /v1/metrics/current'],
  ['getUsageSummary', (c: CustomerApiClient) => c.getUsageSummary('week'), 'GET /v1/usage/summary?period=week'],
  ['getUsageSummary custom', (c: CustomerApiClient) => c.getUsageSummary('custom', { start: 's', end: 'e' }), 'GET /v1/usage/summary?start=s&end=e'],
  ['getApiKeys', (c: CustomerApiClient) => c.getApiKeys(), 'GET /v1/api-keys'],
  ['createApiKey', (c: CustomerApiClient) => c.createApiKey('k', ['trunks:read']), 'POST /v1/api-keys', { name: 'k', scopes: ['trunks:read'] }],
  ['deleteApiKey', (c: CustomerApiClient) => c.deleteApiKey('k1'), 'DELETE /v1/api-keys/k1'],
  ['getWebhooks', (c: CustomerApiClient) => c.getWebhooks(), 'GET /v1/webhooks'],
  [
    'createWebhook',
    (c: CustomerApiClient) => c.createWebhook({ url: 'https://x', events: ['trunk.created'] }),
    'POST /v1/webhooks',
    { url: 'https://x', events: ['trunk.created'] },
  ],
  ['updateWebhook', (c: CustomerApiClient) => c.updateWebhook('w1', { status: 'active' }), 'PATCH /v1/webhooks/w1', { status: 'active' }],
  ['deleteWebhook', (c: CustomerApiClient) => c.deleteWebhook('w1'), 'DELETE /v1/webhooks/w1'],
  ['login', (c: CustomerApiClient) => c.login('e@x.io', 'pw').catch(() => undefined), 'POST /v1/auth/login', { email: 'e@x.io', password: 'pw' }],
  ['logout', (c: CustomerApiClient) => c.logout(), 'POST /v1/auth/logout', {}],
];

const adminCalls: Call[] = [
  ['getAllCustomers', (c: AdminApiClient) => c.getAllCustomers({ search: 'acme', page: 1 }), 'GET /v1/admin/customers?search=acme&page=1'],
  ['getCustomer', (c: AdminApiClient) => c.getCustomer('c1'), 'GET /v1/admin/customers/c1'],
  ['updateCustomer', (c: AdminApiClient) => c.updateCustomer('c1', { payment_terms: 30 }), 'PATCH /v1/admin/customers/c1', { payment_terms: 30 }],
  ['suspendCustomer', (c: AdminApiClient) => c.suspendCustomer('c1', 'unpaid'), 'POST /v1/admin/customers/c1/suspend', { reason: 'unpaid' }],
  ['terminateCustomer', (c: AdminApiClient) => c.terminateCustomer('c1', 'fraud'), 'POST /v1/admin/customers/c1/terminate', { reason: 'fraud' }],
  ['getCustomerTrunks', (c: AdminApiClient) => c.getCustomerTrunks('c1'), 'GET /v1/admin/customers/c1/trunks'],
  ['getCustomerUsage', (c: AdminApiClient) => c.getCustomerUsage('c1', 'month'), 'GET /v1/admin/customers/c1/usage?period=month'],
  ['getAllTrunks', (c: AdminApiClient) => c.getAllTrunks({ customer_id: 'c1' }), 'GET /v1/admin/trunks?customer_id=c1'],
  ['getPartitions', (c: AdminApiClient) => c.getPartitions(), 'GET /v1/admin/partitions'],
  ['createPartition', (c: AdminApiClient) => c.createPartition({ name: 'P' }), 'POST /v1/admin/partitions', { name: 'P' }],
  ['updatePartition', (c: AdminApiClient) => c.updatePartition('p1', { name: 'Q' }), 'PATCH /v1/admin/partitions/p1', { name: 'Q' }],
  ['assignTrunkToPartition', (c: AdminApiClient) => c.assignTrunkToPartition('t1', 'p1'), 'POST /v1/admin/trunks/t1/partition', { partition_id: 'p1' }],
  ['getRoutes', (c: AdminApiClient) => c.getRoutes({ partition_id: 'p1' }), 'GET /v1/admin/routes?partition_id=p1'],
  [
    'createOverride',
    (c: AdminApiClient) => c.createOverride({ action: 'sell_rate', prefix: '44', rate: '0.01' }),
    'POST /v1/admin/overrides',
    { action: 'sell_rate', prefix: '44', rate: '0.01' },
  ],
  ['deleteOverride', (c: AdminApiClient) => c.deleteOverride('o1'), 'DELETE /v1/admin/overrides/o1'],
  ['createExclusion', (c: AdminApiClient) => c.createExclusion({ prefix: '900' }), 'POST /v1/admin/exclusions', { prefix: '900' }],
  ['deleteExclusion', (c: AdminApiClient) => c.deleteExclusion('e1'), 'DELETE /v1/admin/exclusions/e1'],
  [
    'simulateRoute',
    (c: AdminApiClient) => c.simulateRoute({ trunk_id: 't1', ani: '1', dni: '2' }),
    'POST /v1/admin/routing/simulate',
    { trunk_id: 't1', ani: '1', dni: '2' },
  ],
  ['getProviders', (c: AdminApiClient) => c.getProviders(), 'GET /v1/admin/providers'],
  [
    'createProvider',
    (c: AdminApiClient) => c.createProvider({ name: 'P', type: 'lrn', gateways: [{ host: 'h' }] }),
    'POST /v1/admin/providers',
    { name: 'P', type: 'lrn', gateways: [{ host: 'h' }] },
  ],
  ['updateProvider', (c: AdminApiClient) => c.updateProvider('p1', { status: 'disabled' }), 'PATCH /v1/admin/providers/p1', { status: 'disabled' }],
  ['deleteProvider', (c: AdminApiClient) => c.deleteProvider('p1'), 'DELETE /v1/admin/providers/p1'],
  ['getProviderPerformance', (c: AdminApiClient) => c.getProviderPerformance('p1', 'today'), 'GET /v1/admin/providers/p1/performance?period=today'],
  ['importProviderRates', (c: AdminApiClient) => c.importProviderRates('p1', csv), 'POST /v1/admin/providers/p1/rates/import'],
  ['getServices', (c: AdminApiClient) => c.getServices('lrn'), 'GET /v1/admin/settings/services?type=lrn'],
  ['getService', (c: AdminApiClient) => c.getService('s1'), 'GET /v1/admin/settings/services/s1'],
  [
    'createService',
    (c: AdminApiClient) => c.createService({ type: 'lrn', name: 'T', provider: 'telique' }),
    'POST /v1/admin/settings/services',
    { type: 'lrn', name: 'T', provider: 'telique' },
  ],
  ['updateService', (c: AdminApiClient) => c.updateService('s1', { enabled: false }), 'PATCH /v1/admin/settings/services/s1', { enabled: false }],
  ['deleteService', (c: AdminApiClient) => c.deleteService('s1'), 'DELETE /v1/admin/settings/services/s1'],
  ['testService', (c: AdminApiClient) => c.testService('s1'), 'POST /v1/admin/settings/services/s1/test', {}],
  ['getServiceHistory', (c: AdminApiClient) => c.getServiceHistory('s1'), 'GET /v1/admin/settings/services/s1/history'],
  ['rotateServiceCredentials', (c: AdminApiClient) => c.rotateServiceCredentials('s1'), 'POST /v1/admin/settings/services/s1/rotate-credentials', {}],
  [
    'getRates',
    (c: AdminApiClient) => c.getRates({ destination: '44', effective_date: '2026-01-01' }),
    'GET /v1/admin/rates?destination=44&effective_date=2026-01-01',
  ],
  ['importRates', (c: AdminApiClient) => c.importRates(csv, { rate_plan: 'retail' }), 'POST /v1/admin/rates/import'],
  ['calculateMargins', (c: AdminApiClient) => c.calculateMargins({ customer_id: 'c1' }), 'GET /v1/admin/margins/analysis?customer_id=c1'],
  ['getBillingSummary', (c: AdminApiClient) => c.getBillingSummary('2026-01'), 'GET /v1/admin/billing/summary?period=2026-01'],
  ['getAccountsReceivable', (c: AdminApiClient) => c.getAccountsReceivable(), 'GET /v1/admin/billing/ar'],
  ['getRevenue', (c: AdminApiClient) => c.getRevenue({ start_date: 'a', end_date: 'b' }), 'GET /v1/admin/billing/revenue?start_date=a&end_date=b'],
  ['reconcileBilling', (c: AdminApiClient) => c.reconcileBilling('2026-01-01'), 'POST /v1/admin/billing/reconcile', { date: '2026-01-01' }],
  ['getDisputes', (c: AdminApiClient) => c.getDisputes(), 'GET /v1/admin/billing/disputes'],
  ['resolveDispute', (c: AdminApiClient) => c.resolveDispute('d1', 'credited'), 'PATCH /v1/admin/billing/disputes/d1', { resolution: 'credited' }],
  ['getNetSuiteAuthStatus', (c: AdminApiClient) => c.getNetSuiteAuthStatus(), 'GET /v1/netsuite/auth/status'],
  ['initNetSuiteOAuth', (c: AdminApiClient) => c.initNetSuiteOAuth(), 'POST /v1/netsuite/auth/init', {}],
  ['getNetSuiteSyncStatus', (c: AdminApiClient) => c.getNetSuiteSyncStatus(), 'GET /v1/netsuite/sync/status'],
  ['triggerNetSuiteSync', (c: AdminApiClient) => c.triggerNetSuiteSync(), 'POST /v1/netsuite/sync/trigger', { type: 'all' }],
  ['syncNetSuiteCustomer', (c: AdminApiClient) => c.syncNetSuiteCustomer('c1'), 'POST /v1/netsuite/customers/c1/sync', {}],
  ['syncNetSuiteInvoice', (c: AdminApiClient) => c.syncNetSuiteInvoice('i1'), 'POST /v1/netsuite/invoices/i1/sync', {}],
  ['getNetSuiteSyncHistory', (c: AdminApiClient) => c.getNetSuiteSyncHistory({ limit: 10, offset: 20 }), 'GET /v1/netsuite/sync/history?limit=10&offset=20'],
  ['getNetSuiteMappings', (c: AdminApiClient) => c.getNetSuiteMappings(), 'GET /v1/netsuite/mappings'],
  ['updateNetSuiteMappings', (c: AdminApiClient) => c.updateNetSuiteMappings({ subsidiary_id: '1' }), 'PUT /v1/netsuite/mappings', { subsidiary_id: '1' }],
  ['getRespOrgEntities', (c: AdminApiClient) => c.getRespOrgEntities(), 'GET /v1/admin/resporg/entities'],
  ['getEntityROIDs', (c: AdminApiClient) => c.getEntityROIDs('en1'), 'GET /v1/admin/resporg/entities/en1/roids'],
  [
    'bulkReserveTollFree',
    (c: AdminApiClient) => c.bulkReserveTollFree(['8005550100'], 'ABC01'),
    'POST /v1/admin/numbers/tollfree/bulk/reserve',
    { numbers: ['8005550100'], resp_org_id: 'ABC01' },
  ],
  [
    'bulkProvisionTollFree',
    (c: AdminApiClient) => c.bulkProvisionTollFree([{ tfn: '8005550100', customer_id: 'c1', routing: { trunk_id: 't1' } }]),
    'POST /v1/admin/numbers/tollfree/bulk/provision',
    { provisions: [{ tfn: '8005550100', customer_id: 'c1', routing: { trunk_id: 't1' } }] },
  ],
  [
    'initiateTollFreeTransfer',
    (c: AdminApiClient) => c.initiateTollFreeTransfer('8005550100', 'XYZ01'),
    'POST /v1/admin/resporg/transfer',
    { tfn: '8005550100', new_resp_org_id: 'XYZ01' },
  ],
  ['getTollFreeInventory', (c: AdminApiClient) => c.getTollFreeInventory({ status: 'reserved' }), 'GET /v1/admin/numbers/tollfree/inventory?status=reserved'],
  ['getSystemMetrics', (c: AdminApiClient) => c.getSystemMetrics(), 'GET /v1/admin/system/metrics'],
  ['getActiveCalls', (c: AdminApiClient) => c.getActiveCalls(), 'GET /v1/admin/system/active-calls'],
  ['getSystemAlerts', (c: AdminApiClient) => c.getSystemAlerts(), 'GET /v1/admin/system/alerts'],
  ['getSupportTickets', (c: AdminApiClient) => c.getSupportTickets({ status: 'open' }), 'GET /v1/admin/support/tickets?status=open'],
  [
    'createTicket',
    (c: AdminApiClient) => c.createTicket({ customer_id: 'c1', subject: 'S' }),
    'POST /v1/admin/support/tickets',
    { customer_id: 'c1', subject: 'S' },
  ],
  ['updateTicket', (c: AdminApiClient) => c.updateTicket('k1', { status: 'resolved' }), 'PATCH /v1/admin/support/tickets/k1', { status: 'resolved' }],
  ['getTicketMessages', (c: AdminApiClient) => c.getTicketMessages('k1'), 'GET /v1/admin/support/tickets/k1/messages'],
  ['addTicketMessage', (c: AdminApiClient) => c.addTicketMessage('k1', 'hello'), 'POST /v1/admin/support/tickets/k1/messages', { message: 'hello' }],
  ['searchCDRs', (c: AdminApiClient) => c.searchCDRs({ date_from: 'a', date_to: 'b', dnis: '44' }), 'GET /v1/admin/cdrs?date_from=a&date_to=b&dnis=44'],
  ['getCDRDetails', (c: AdminApiClient) => c.getCDRDetails('r1'), 'GET /v1/admin/cdrs/r1'],
];

function lastRequest() {
  const r = server.requests.at(-1)!;
  return { line: `${r.method} ${r.path}`, body: r.body, type: r.headers['content-type'] };
}

describe('every CustomerApiClient method', () => {
  it.each(customerCalls)('%s', async (_name, call, line, body) => {
    const c = new CustomerApiClient({ baseUrl: server.url, storage: memoryStorage() });
    await call(c as never);
    const sent = lastRequest();
    expect(sent.line).toBe(line);
    if (body !== undefined) expect(JSON.parse(sent.body)).toEqual(body);
  });
});

describe('every AdminApiClient method', () => {
  it.each(adminCalls)('%s', async (_name, call, line, body) => {
    const c = new AdminApiClient({ baseUrl: server.url, storage: memoryStorage() });
    await call(c as never);
    const sent = lastRequest();
    expect(sent.line).toBe(line);
    if (body !== undefined) expect(JSON.parse(sent.body)).toEqual(body);
    else if (line.startsWith('POST')) expect(sent.type).toMatch(/^multipart\/form-data/);
  });
});

it('the tables cover every public method of both clients', () => {
  const methods = (proto: object) =>
    Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && typeof (proto as Record<string, unknown>)[n] === 'function');
  const covered = new Set([...customerCalls, ...adminCalls].map(([name]) => name.split(' ')[0]));
  const missing = [...methods(CustomerApiClient.prototype), ...methods(AdminApiClient.prototype)].filter((m) => !covered.has(m) && m !== 'getCustomerId');
  expect(missing).toEqual([]);
});
