import './index.css';

import { api, configureApi } from '@opbx/client';
import { AxiosError } from 'axios';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app/App';

// The app is served by the API server itself, so the API is always on this origin.
// 15 s, not the client's 30 s default: a save that cannot reach the server says so instead of spinning.
configureApi({ baseURL: `${window.location.origin}/api/v1`, timeout: 15_000 });
// Offline, a request would only wait for the network to give up: fail at once with a clear message.
api.interceptors.request.use((config) => {
  if (navigator.onLine === false) throw new AxiosError("You're offline", AxiosError.ERR_NETWORK, config);
  return config;
});

// The page's Content-Security-Policy admits inline style elements only with this nonce; Radix's
// dialogs inject one (react-style-singleton reads the nonce from this global via get-nonce).
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
if (nonce) (globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = nonce;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
