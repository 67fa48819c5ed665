export { AdminApiClient } from './admin.js';
export {
  type ApiConfig,
  type ApiListResponse,
  type ApiResponse,
  BaseApiClient,
  type CallOptions,
  CLIENT_VERSION,
  DEFAULT_BASE_URL,
  parseRetryAfter,
  type QueryParams,
  type RequestOptions,
  type RetryInfo,
} from './base.js';
export { CustomerApiClient } from './customer.js';
export { ApiError, createApiError, isApiError } from './errors.js';
export {
  memoryNetSuiteTokenStore,
  NetSuiteApiClient,
  NetSuiteApiError,
  type NetSuiteAsyncJob,
  type NetSuiteConfig,
  type NetSuiteOptions,
  NetSuiteTokenManager,
  type NetSuiteTokenStore,
  type StoredNetSuiteTokens,
} from './netsuite.js';
export { ACCESS_TOKEN_KEY, CUSTOMER_ID_KEY, defaultStorage, memoryStorage, REFRESH_TOKEN_KEY, type TokenStorage } from './storage.js';
export {
  DEFAULT_WS_URL,
  type Listener,
  type TokenSource,
  WebSocketClient,
  type WebSocketConfig,
  type WebSocketConstructor,
  type WebSocketLike,
} from './websocket.js';
