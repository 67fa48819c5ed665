import axios, { type AxiosError, type AxiosInstance } from 'axios';

import { hasWindow, viteEnv } from './env.js';
import { storage } from './storage.js';
import type { APIError } from './types.js';

export const DEFAULT_API_BASE_URL = 'http://localhost:8000/api/v1';

const API_BASE_URL = viteEnv('VITE_API_BASE_URL') || DEFAULT_API_BASE_URL;

const api: AxiosInstance = axios.create({
  baseURL: API_BASE_URL,
  timeout: 30000,
  headers: {
    'Content-Type': 'application/json',
    Accept: 'application/json',
  },
});

export interface ApiOptions {
  baseURL: string;
  /** milliseconds; unchanged when omitted */
  timeout?: number;
}

/** Points the shared client at another server at runtime (tests, SDK users, multi-env apps). */
export function configureApi(options: ApiOptions): void {
  api.defaults.baseURL = options.baseURL;
  if (options.timeout !== undefined) api.defaults.timeout = options.timeout;
}

/** Called after a 401 has cleared the stored token and user. */
export type UnauthorizedHandler = (error: AxiosError<APIError>) => void;

const defaultUnauthorizedHandler: UnauthorizedHandler = () => {
  if (hasWindow()) window.location.href = '/login';
};

let onUnauthorized: UnauthorizedHandler = defaultUnauthorizedHandler;

/**
 * Replaces what happens after a 401 (default: go to /login in a browser, nothing more in Node).
 * `null` restores the default. Storage is cleared before the handler runs, whatever it is.
 */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler ?? defaultUnauthorizedHandler;
}

api.interceptors.request.use(
  (config) => {
    const token = storage.getToken();
    if (token) {
      config.headers.Authorization = `Bearer ${token}`;
    }
    return config;
  },
  (error) => Promise.reject(error),
);

api.interceptors.response.use(
  (response) => response,
  (error: AxiosError<APIError>) => {
    // As the spec's interceptor: wrong credentials are a 422 from the server, so a 401 always
    // means the session is gone.
    if (error.response?.status === 401) {
      storage.clearAll();
      onUnauthorized(error);
    }

    if (error.response?.status === 403) {
      console.error('Insufficient permissions');
    }

    // A cancelled request (React Query unmounting, AbortController) has no response either.
    if (!error.response && !axios.isCancel(error)) {
      console.error('Network error - check your connection');
    }

    return Promise.reject(error);
  },
);

export default api;
