export { ApiError, createApiError, isApiError } from './errors.js';
export { ACCESS_TOKEN_KEY, CUSTOMER_ID_KEY, REFRESH_TOKEN_KEY, defaultStorage, memoryStorage, type TokenStorage } from './storage.js';
export {
  BaseApiClient,
  CLIENT_VERSION,
  DEFAULT_BASE_URL,
  parseRetryAfter,
  type ApiConfig,
  type ApiListResponse,
  type ApiResponse,
  type CallOptions,
  type QueryParams,
  type RequestOptions,
  type RetryInfo,
} from './base.js';
export { CustomerApiClient } from './customer.js';
export { AdminApiClient } from './admin.js';
export {
  DEFAULT_WS_URL,
  WebSocketClient,
  type Listener,
  type TokenSource,
  type WebSocketConfig,
  type WebSocketConstructor,
  type WebSocketLike,
} from './websocket.js';
export {
  NetSuiteApiClient,
  NetSuiteApiError,
  NetSuiteTokenManager,
  memoryNetSuiteTokenStore,
  type NetSuiteAsyncJob,
  type NetSuiteConfig,
  type NetSuiteOptions,
  type NetSuiteTokenStore,
  type StoredNetSuiteTokens,
} from './netsuite.js';
