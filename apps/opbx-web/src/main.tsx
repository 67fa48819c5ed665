import './index.css';

import { configureApi } from '@opbx/client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app/App';

// The app is served by the API server itself, so the API is always on this origin.
configureApi({ baseURL: `${window.location.origin}/api/v1` });

// The page's Content-Security-Policy admits inline style elements only with this nonce; Radix's
// dialogs inject one (react-style-singleton reads the nonce from this global via get-nonce).
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
if (nonce) (globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = nonce;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
