import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configureApi } from '@opbx/client';
import { App } from './app/App';
import './index.css';

// The app is served by the API server itself, so the API is always on this origin.
configureApi({ baseURL: `${window.location.origin}/api/v1` });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
