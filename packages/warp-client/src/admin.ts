import type {
  ActiveCall,
  AdminCdrQuery,
  ARReport,
  BillingSummary,
  BulkProvision,
  BulkResult,
  Cdr,
  CdrDetail,
  Customer,
  CustomerListQuery,
  CustomerUpdate,
  CustomerUsage,
  Dispute,
  Exclusion,
  ExclusionCreate,
  MarginAnalysis,
  MarginQuery,
  NetSuiteAuthStatus,
  NetSuiteMappings,
  NetSuiteSyncHistoryQuery,
  NetSuiteSyncRun,
  NetSuiteSyncStatus,
  NetSuiteSyncType,
  Override,
  OverrideCreate,
  Partition,
  PartitionCreate,
  PartitionUpdate,
  Provider,
  ProviderCreate,
  ProviderPerformance,
  ProviderUpdate,
  Rate,
  RateImportOptions,
  RateImportReport,
  RateQuery,
  ReconcileResult,
  ReportPeriod,
  RespOrgEntity,
  RespOrgId,
  RevenueQuery,
  RevenueReport,
  Route,
  RouteQuery,
  ServiceConfig,
  ServiceConfigCreate,
  ServiceConfigUpdate,
  ServiceHistoryEntry,
  ServiceType,
  SimulateRequest,
  SimulationResult,
  SystemAlert,
  SystemMetrics,
  TestResult,
  Ticket,
  TicketCreate,
  TicketMessage,
  TicketQuery,
  TicketUpdate,
  TollFreeInventoryItem,
  TollFreeInventoryQuery,
  TollFreeTransferResult,
  Trunk,
} from '@warp/contract';

import { type ApiConfig, type ApiListResponse, BaseApiClient, type CallOptions, seg } from './base.js';

type ListResult<T> = Promise<ApiListResponse<T>>;

/** The staff portal's client: every method of the seed, same names, paths and parameters. */
export class AdminApiClient extends BaseApiClient {
  constructor(config: ApiConfig = {}) {
    super(config);
  }

  // ==================== Customer Management ====================
  async getAllCustomers(params?: CustomerListQuery, options?: CallOptions) {
    return this.get<Customer[]>('/admin/customers', params, options) as ListResult<Customer>;
  }

  async getCustomer(customerId: string, options?: CallOptions) {
    return this.get<Customer>(`/admin/customers/${seg(customerId)}`, undefined, options);
  }

  async updateCustomer(customerId: string, data: CustomerUpdate) {
    return this.patch<Customer>(`/admin/customers/${seg(customerId)}`, data);
  }

  async suspendCustomer(customerId: string, reason: string) {
    return this.post<Customer>(`/admin/customers/${seg(customerId)}/suspend`, { reason });
  }

  async terminateCustomer(customerId: string, reason: string) {
    return this.post<Customer>(`/admin/customers/${seg(customerId)}/terminate`, { reason });
  }

  async getCustomerTrunks(customerId: string, options?: CallOptions) {
    return this.get<Trunk[]>(`/admin/customers/${seg(customerId)}/trunks`, undefined, options) as ListResult<Trunk>;
  }

  async getCustomerUsage(customerId: string, period: ReportPeriod | string, options?: CallOptions) {
    return this.get<CustomerUsage>(`/admin/customers/${seg(customerId)}/usage`, { period }, options);
  }

  // ==================== Trunk & Partition Management ====================
  async getAllTrunks(params?: { page?: number; limit?: number; customer_id?: string; partition_id?: string }, options?: CallOptions) {
    return this.get<Trunk[]>('/admin/trunks', params, options) as ListResult<Trunk>;
  }

  async getPartitions(options?: CallOptions) {
    return this.get<Partition[]>('/admin/partitions', undefined, options);
  }

  async createPartition(data: PartitionCreate) {
    return this.post<Partition>('/admin/partitions', data);
  }

  async updatePartition(partitionId: string, data: PartitionUpdate) {
    return this.patch<Partition>(`/admin/partitions/${seg(partitionId)}`, data);
  }

  async assignTrunkToPartition(trunkId: string, partitionId: string) {
    return this.post<Trunk>(`/admin/trunks/${seg(trunkId)}/partition`, { partition_id: partitionId });
  }

  // ==================== Routing & Overrides ====================
  async getRoutes(params?: RouteQuery, options?: CallOptions) {
    return this.get<Route[]>('/admin/routes', params, options);
  }

  async createOverride(data: OverrideCreate) {
    return this.post<Override>('/admin/overrides', data);
  }

  async deleteOverride(overrideId: string) {
    return this.delete(`/admin/overrides/${seg(overrideId)}`);
  }

  async createExclusion(data: ExclusionCreate) {
    return this.post<Exclusion>('/admin/exclusions', data);
  }

  async deleteExclusion(exclusionId: string) {
    return this.delete(`/admin/exclusions/${seg(exclusionId)}`);
  }

  /** Not in the seed: issue 13's simulator (`POST /admin/routing/simulate`). */
  async simulateRoute(data: SimulateRequest) {
    return this.post<SimulationResult>('/admin/routing/simulate', data);
  }

  // ==================== Provider Management ====================
  async getProviders(options?: CallOptions) {
    return this.get<Provider[]>('/admin/providers', undefined, options);
  }

  async createProvider(data: ProviderCreate) {
    return this.post<Provider>('/admin/providers', data);
  }

  async updateProvider(providerId: string, data: ProviderUpdate) {
    return this.patch<Provider>(`/admin/providers/${seg(providerId)}`, data);
  }

  async deleteProvider(providerId: string) {
    return this.delete(`/admin/providers/${seg(providerId)}`);
  }

  async getProviderPerformance(providerId: string, period: ReportPeriod | string, options?: CallOptions) {
    return this.get<ProviderPerformance>(`/admin/providers/${seg(providerId)}/performance`, { period }, options);
  }

  /** Multipart CSV upload of a provider's cost deck; `dry_run` stops at the report. */
  async importProviderRates(providerId: string, file: Blob, options?: Pick<RateImportOptions, 'dry_run'>) {
    return this.upload<RateImportReport>(`/admin/providers/${seg(providerId)}/rates/import${options?.dry_run ? '?dry_run=true' : ''}`, deckForm(file));
  }

  // ==================== Service Configuration Management ====================
  async getServices(type?: ServiceType, options?: CallOptions) {
    return this.get<ServiceConfig[]>('/admin/settings/services', type ? { type } : undefined, options);
  }

  async getService(serviceId: string, options?: CallOptions) {
    return this.get<ServiceConfig>(`/admin/settings/services/${seg(serviceId)}`, undefined, options);
  }

  async createService(config: ServiceConfigCreate) {
    return this.post<ServiceConfig>('/admin/settings/services', config);
  }

  async updateService(serviceId: string, config: ServiceConfigUpdate) {
    return this.patch<ServiceConfig>(`/admin/settings/services/${seg(serviceId)}`, config);
  }

  async deleteService(serviceId: string) {
    return this.delete(`/admin/settings/services/${seg(serviceId)}`);
  }

  async testService(serviceId: string) {
    return this.post<TestResult>(`/admin/settings/services/${seg(serviceId)}/test`, {});
  }

  async getServiceHistory(serviceId: string, options?: CallOptions) {
    return this.get<ServiceHistoryEntry[]>(`/admin/settings/services/${seg(serviceId)}/history`, undefined, options);
  }

  async rotateServiceCredentials(serviceId: string) {
    return this.post<ServiceConfig>(`/admin/settings/services/${seg(serviceId)}/rotate-credentials`, {});
  }

  // ==================== Rate Management ====================
  async getRates(params?: RateQuery, options?: CallOptions) {
    return this.get<Rate[]>('/admin/rates', params, options) as ListResult<Rate>;
  }

  /** Multipart CSV upload of a sell deck; the plan is named in the `rate_plan` form field. */
  async importRates(file: Blob, options?: RateImportOptions) {
    return this.upload<RateImportReport>(`/admin/rates/import${options?.dry_run ? '?dry_run=true' : ''}`, deckForm(file, options?.rate_plan));
  }

  async calculateMargins(params: MarginQuery, options?: CallOptions) {
    return this.get<MarginAnalysis>('/admin/margins/analysis', params, options);
  }

  // ==================== Billing & Accounting ====================
  async getBillingSummary(period: string, options?: CallOptions) {
    return this.get<BillingSummary>('/admin/billing/summary', { period }, options);
  }

  async getAccountsReceivable(options?: CallOptions) {
    return this.get<ARReport>('/admin/billing/ar', undefined, options);
  }

  async getRevenue(params: RevenueQuery, options?: CallOptions) {
    return this.get<RevenueReport>('/admin/billing/revenue', params, options);
  }

  async reconcileBilling(date: string) {
    return this.post<ReconcileResult>('/admin/billing/reconcile', { date });
  }

  async getDisputes(options?: CallOptions) {
    return this.get<Dispute[]>('/admin/billing/disputes', undefined, options);
  }

  async resolveDispute(disputeId: string, resolution: string) {
    return this.patch<Dispute>(`/admin/billing/disputes/${seg(disputeId)}`, { resolution });
  }

  // ==================== NetSuite Integration ====================
  async getNetSuiteAuthStatus(options?: CallOptions) {
    return this.get<NetSuiteAuthStatus>('/netsuite/auth/status', undefined, options);
  }

  async initNetSuiteOAuth() {
    return this.post<{ auth_url: string }>('/netsuite/auth/init', {});
  }

  async getNetSuiteSyncStatus(options?: CallOptions) {
    return this.get<NetSuiteSyncStatus>('/netsuite/sync/status', undefined, options);
  }

  async triggerNetSuiteSync(type?: NetSuiteSyncType) {
    return this.post<NetSuiteSyncRun>('/netsuite/sync/trigger', { type: type || 'all' });
  }

  async syncNetSuiteCustomer(customerId: string) {
    return this.post<NetSuiteSyncRun>(`/netsuite/customers/${seg(customerId)}/sync`, {});
  }

  async syncNetSuiteInvoice(invoiceId: string) {
    return this.post<NetSuiteSyncRun>(`/netsuite/invoices/${seg(invoiceId)}/sync`, {});
  }

  async getNetSuiteSyncHistory(params?: NetSuiteSyncHistoryQuery, options?: CallOptions) {
    return this.get<NetSuiteSyncRun[]>('/netsuite/sync/history', params, options);
  }

  async getNetSuiteMappings(options?: CallOptions) {
    return this.get<NetSuiteMappings>('/netsuite/mappings', undefined, options);
  }

  async updateNetSuiteMappings(mappings: NetSuiteMappings) {
    return this.put<NetSuiteMappings>('/netsuite/mappings', mappings);
  }

  // ==================== Somos Toll-Free Management ====================
  async getRespOrgEntities(options?: CallOptions) {
    return this.get<RespOrgEntity[]>('/admin/resporg/entities', undefined, options);
  }

  async getEntityROIDs(entityId: string, options?: CallOptions) {
    return this.get<RespOrgId[]>(`/admin/resporg/entities/${seg(entityId)}/roids`, undefined, options);
  }

  async bulkReserveTollFree(numbers: string[], respOrgId: string) {
    return this.post<BulkResult>('/admin/numbers/tollfree/bulk/reserve', { numbers, resp_org_id: respOrgId });
  }

  async bulkProvisionTollFree(provisions: BulkProvision[]) {
    return this.post<BulkResult>('/admin/numbers/tollfree/bulk/provision', { provisions });
  }

  async initiateTollFreeTransfer(tfn: string, newRespOrgId: string) {
    return this.post<TollFreeTransferResult>('/admin/resporg/transfer', { tfn, new_resp_org_id: newRespOrgId });
  }

  async getTollFreeInventory(params?: TollFreeInventoryQuery, options?: CallOptions) {
    return this.get<TollFreeInventoryItem[]>('/admin/numbers/tollfree/inventory', params, options);
  }

  // ==================== System Monitoring ====================
  async getSystemMetrics(options?: CallOptions) {
    return this.get<SystemMetrics>('/admin/system/metrics', undefined, options);
  }

  async getActiveCalls(options?: CallOptions) {
    return this.get<ActiveCall[]>('/admin/system/active-calls', undefined, options);
  }

  async getSystemAlerts(options?: CallOptions) {
    return this.get<SystemAlert[]>('/admin/system/alerts', undefined, options);
  }

  // ==================== Support ====================
  async getSupportTickets(params?: TicketQuery, options?: CallOptions) {
    return this.get<Ticket[]>('/admin/support/tickets', params, options);
  }

  async createTicket(data: TicketCreate) {
    return this.post<Ticket>('/admin/support/tickets', data);
  }

  async updateTicket(ticketId: string, data: TicketUpdate) {
    return this.patch<Ticket>(`/admin/support/tickets/${seg(ticketId)}`, data);
  }

  async getTicketMessages(ticketId: string, options?: CallOptions) {
    return this.get<TicketMessage[]>(`/admin/support/tickets/${seg(ticketId)}/messages`, undefined, options);
  }

  async addTicketMessage(ticketId: string, message: string) {
    return this.post<TicketMessage>(`/admin/support/tickets/${seg(ticketId)}/messages`, { message });
  }

  // ==================== CDR Analysis ====================
  async searchCDRs(params: AdminCdrQuery, options?: CallOptions) {
    return this.get<Cdr[]>('/admin/cdrs', params, options) as ListResult<Cdr>;
  }

  async getCDRDetails(cdrId: string, options?: CallOptions) {
    return this.get<CdrDetail>(`/admin/cdrs/${seg(cdrId)}`, undefined, options);
  }
}

function deckForm(file: Blob, ratePlan?: string): FormData {
  const form = new FormData();
  if (ratePlan !== undefined) form.append('rate_plan', ratePlan);
  form.append('file', file, (file as { name?: string }).name || 'deck.csv');
  return form;
}
