import type {
  AccountUpdate,
  ApiKey,
  ApiKeyCreated,
  AvailableNumber,
  Balance,
  Cdr,
  CdrExport,
  CdrExportRequest,
  CdrQuery,
  CurrentMetrics,
  Customer,
  Invoice,
  InvoiceQuery,
  Message,
  MessageQuery,
  NumberQuery,
  NumberSearchQuery,
  Payment,
  PaymentMethod,
  PaymentMethodCreate,
  PhoneNumber,
  PortOrder,
  PortRequest,
  ProvisionResult,
  ReportPeriod,
  ReservationResult,
  RoutingConfig,
  SendMms,
  SendSms,
  SMSEnableOptions,
  TollFreeNumber,
  TollFreeSearchQuery,
  TollFreeStatus,
  Trunk,
  TrunkCreated,
  TrunkCreateRequest,
  TrunkCredentials,
  TrunkTestResult,
  TrunkUpdateRequest,
  UsageSummary,
  Webhook,
  WebhookCreate,
  WebhookCreated,
  WebhookUpdate,
} from '@warp/contract';

import { type ApiConfig, type ApiListResponse, type ApiResponse, BaseApiClient, type CallOptions, seg } from './base.js';
import { CUSTOMER_ID_KEY } from './storage.js';

type ListResult<T> = Promise<ApiListResponse<T>>;

/** The customer portal's client: every method of the seed, same names, paths and parameters. */
export class CustomerApiClient extends BaseApiClient {
  constructor(config: ApiConfig = {}) {
    super(config);
  }

  // ==================== Account Management ====================
  async getAccount(options?: CallOptions) {
    return this.get<Customer>('/account', undefined, options);
  }

  async updateAccount(data: AccountUpdate) {
    return this.patch<Customer>('/account', data);
  }

  // ==================== Trunk Management ====================
  async getTrunks(params?: { page?: number; limit?: number; status?: string }, options?: CallOptions) {
    const customerId = await this.getCustomerId(options);
    return this.get<Trunk[]>(`/customers/${seg(customerId)}/trunks`, params, options) as ListResult<Trunk>;
  }

  async getTrunk(trunkId: string, options?: CallOptions) {
    return this.get<Trunk>(`/trunks/${seg(trunkId)}`, undefined, options);
  }

  async createTrunk(data: TrunkCreateRequest) {
    const customerId = await this.getCustomerId();
    return this.post<TrunkCreated>(`/customers/${seg(customerId)}/trunks`, data);
  }

  async updateTrunk(trunkId: string, data: TrunkUpdateRequest) {
    return this.patch<Trunk>(`/trunks/${seg(trunkId)}`, data);
  }

  async deleteTrunk(trunkId: string) {
    return this.delete(`/trunks/${seg(trunkId)}`);
  }

  async testTrunk(trunkId: string, testNumber: string) {
    return this.post<TrunkTestResult>(`/trunks/${seg(trunkId)}/test`, { test_number: testNumber });
  }

  async getTrunkCredentials(trunkId: string, options?: CallOptions) {
    return this.get<TrunkCredentials>(`/trunks/${seg(trunkId)}/credentials`, undefined, options);
  }

  // ==================== Number Management ====================
  async getNumbers(params?: NumberQuery, options?: CallOptions) {
    return this.get<PhoneNumber[]>('/numbers', params, options) as ListResult<PhoneNumber>;
  }

  async searchNumbers(params: NumberSearchQuery, options?: CallOptions) {
    return this.get<AvailableNumber[]>('/numbers/search', params, options);
  }

  async orderNumbers(numbers: string[], trunkId: string) {
    return this.post<PhoneNumber[]>('/numbers/order', { numbers, trunk_id: trunkId });
  }

  async releaseNumber(numberId: string) {
    return this.delete(`/numbers/${seg(numberId)}`);
  }

  async updateE911(numberId: string, addressId: string) {
    return this.patch<PhoneNumber>(`/numbers/${seg(numberId)}/e911`, { address_id: addressId });
  }

  async portNumbers(data: PortRequest) {
    return this.post<PortOrder>('/numbers/port', data);
  }

  async getPortStatus(portId: string, options?: CallOptions) {
    return this.get<PortOrder>(`/numbers/port/${seg(portId)}/status`, undefined, options);
  }

  // ==================== Toll-Free Numbers (Somos) ====================
  async searchTollFreeNumbers(params: TollFreeSearchQuery, options?: CallOptions) {
    return this.get<TollFreeNumber[]>('/numbers/tollfree/search', params, options);
  }

  async reserveTollFreeNumber(tfn: string) {
    return this.post<ReservationResult>('/numbers/tollfree/reserve', { tfn });
  }

  async provisionTollFreeNumber(tfn: string, trunkId: string) {
    return this.post<ProvisionResult>('/numbers/tollfree/provision', { tfn, trunk_id: trunkId });
  }

  async updateTollFreeRouting(tfn: string, routing: RoutingConfig) {
    return this.put<TollFreeStatus>(`/numbers/tollfree/${seg(tfn)}/routing`, routing);
  }

  async enableTollFreeSMS(tfn: string, options: SMSEnableOptions) {
    return this.post<TollFreeStatus>(`/numbers/tollfree/${seg(tfn)}/sms/enable`, options);
  }

  async getTollFreeStatus(tfn: string, options?: CallOptions) {
    return this.get<TollFreeStatus>(`/numbers/tollfree/${seg(tfn)}/status`, undefined, options);
  }

  // ==================== Messaging ====================
  async sendSMS(data: SendSms) {
    return this.post<Message>('/messages/sms', data);
  }

  async sendMMS(data: SendMms) {
    return this.post<Message>('/messages/mms', data);
  }

  async getMessages(params?: MessageQuery, options?: CallOptions) {
    return this.get<Message[]>('/messages', params, options) as ListResult<Message>;
  }

  async getMessage(messageId: string, options?: CallOptions) {
    return this.get<Message>(`/messages/${seg(messageId)}`, undefined, options);
  }

  // ==================== CDRs ====================
  async getCDRs(params: CdrQuery, options?: CallOptions) {
    return this.get<Cdr[]>('/cdrs', params, options) as ListResult<Cdr>;
  }

  async exportCDRs(params: CdrExportRequest) {
    const response = await this.post<CdrExport>('/cdrs/export', params);
    return response.data;
  }

  // ==================== Billing ====================
  async getBalance(options?: CallOptions) {
    return this.get<Balance>('/billing/balance', undefined, options);
  }

  async getInvoices(params?: InvoiceQuery, options?: CallOptions) {
    return this.get<Invoice[]>('/billing/invoices', params, options) as ListResult<Invoice>;
  }

  async getInvoice(invoiceId: string, options?: CallOptions) {
    return this.get<Invoice>(`/billing/invoices/${seg(invoiceId)}`, undefined, options);
  }

  async downloadInvoice(invoiceId: string, options?: CallOptions) {
    const response = await this.get<{ download_url: string }>(`/billing/invoices/${seg(invoiceId)}/download`, undefined, options);
    return response.data.download_url;
  }

  async getPaymentMethods(options?: CallOptions) {
    return this.get<PaymentMethod[]>('/billing/payment-methods', undefined, options);
  }

  async addPaymentMethod(data: PaymentMethodCreate) {
    return this.post<PaymentMethod>('/billing/payment-methods', data);
  }

  async deletePaymentMethod(methodId: string) {
    return this.delete(`/billing/payment-methods/${seg(methodId)}`);
  }

  async setDefaultPaymentMethod(methodId: string) {
    return this.patch<PaymentMethod>(`/billing/payment-methods/${seg(methodId)}/default`, {});
  }

  async rechargeBalance(amount: number, paymentMethodId: string) {
    return this.post<Payment>('/billing/recharge', { amount, payment_method_id: paymentMethodId });
  }

  // ==================== Metrics & Analytics ====================
  async getCurrentMetrics(options?: CallOptions) {
    return this.get<CurrentMetrics>('/metrics/current', undefined, options);
  }

  async getUsageSummary(period: ReportPeriod | 'custom', dates?: { start: string; end: string }, options?: CallOptions) {
    const params = period === 'custom' ? dates : { period };
    return this.get<UsageSummary>('/usage/summary', params, options);
  }

  // ==================== API Keys & Webhooks ====================
  async getApiKeys(options?: CallOptions) {
    return this.get<ApiKey[]>('/api-keys', undefined, options) as ListResult<ApiKey>;
  }

  /** `extra` carries the optional `allowed_ips` and `expires_at` the seed's signature has no room for. */
  async createApiKey(name: string, scopes: string[], extra?: { allowed_ips?: string[]; expires_at?: string }) {
    return this.post<ApiKeyCreated>('/api-keys', { name, scopes, ...extra });
  }

  async deleteApiKey(keyId: string) {
    return this.delete(`/api-keys/${seg(keyId)}`);
  }

  async getWebhooks(options?: CallOptions) {
    return this.get<Webhook[]>('/webhooks', undefined, options) as ListResult<Webhook>;
  }

  async createWebhook(data: WebhookCreate) {
    return this.post<WebhookCreated>('/webhooks', data);
  }

  async updateWebhook(webhookId: string, data: WebhookUpdate) {
    return this.patch<Webhook>(`/webhooks/${seg(webhookId)}`, data);
  }

  async deleteWebhook(webhookId: string) {
    return this.delete(`/webhooks/${seg(webhookId)}`);
  }

  // ==================== Helper Methods ====================
  /** Cached in the client's storage (the seed used sessionStorage, which Node lacks); cleared with the tokens. */
  protected async getCustomerId(options?: CallOptions): Promise<string> {
    let customerId = this.storage.getItem(CUSTOMER_ID_KEY);
    if (!customerId) {
      const account: ApiResponse<Customer> = await this.getAccount(options);
      customerId = account.data.id;
      this.storage.setItem(CUSTOMER_ID_KEY, customerId);
    }
    return customerId;
  }
}
