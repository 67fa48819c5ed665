import { createServer } from 'node:net';

import type { AxiosError } from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { type APIError, authService, configureApi, setUnauthorizedHandler, storage, usersService } from '../src/index.js';
import { apiFailure, DEMO, type LiveServer, signIn, startLiveServer } from './support/live-server.js';

let server: LiveServer;

beforeAll(async () => {
  server = await startLiveServer();
});
afterAll(() => server.close());
afterEach(() => {
  setUnauthorizedHandler(null);
  storage.clearAll();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** Records what the 401 handler receives instead of navigating. */
function recordUnauthorized() {
  const calls: AxiosError<APIError>[] = [];
  setUnauthorizedHandler((error) => calls.push(error));
  return calls;
}

describe('authService against a live server', () => {
  it('login returns the token grant and the user; me() sends the stored token as Bearer', async () => {
    const session = await authService.login({ ...DEMO });
    expect(session).toMatchObject({ token_type: 'Bearer', user: { email: DEMO.email, role: 'owner', status: 'active' } });
    expect(session.access_token).toEqual(expect.any(String));
    expect(session.expires_in).toBeGreaterThan(0);
    // Login stores nothing by itself: the app decides (spec, usage example 1).
    expect(storage.getToken()).toBeNull();

    await expect(apiFailure(authService.me())).resolves.toMatchObject({ response: { status: 401 } });
    storage.setToken(session.access_token);
    storage.setUser(session.user);
    const me = await authService.me();
    expect(me).toMatchObject({ id: session.user.id, organization_id: session.user.organization_id, email: DEMO.email });
    expect(storage.getUser()).toEqual(session.user);
  });

  it('refresh rotates the token: the old one stops working, the new one works', async () => {
    const calls = recordUnauthorized();
    const session = await signIn();
    const refreshed = await authService.refresh();
    expect(refreshed).toMatchObject({ token_type: 'Bearer', expires_in: session.expires_in });
    expect(refreshed.access_token).not.toBe(session.access_token);

    // Storage still holds the old token.
    const failure = await apiFailure(authService.me());
    expect(failure.response.status).toBe(401);
    expect(failure.response.data.error.code).toBe('UNAUTHORIZED');
    expect(calls).toHaveLength(1);

    storage.setToken(refreshed.access_token);
    expect((await authService.me()).email).toBe(DEMO.email);
  });

  it('logout revokes the token', async () => {
    recordUnauthorized();
    await signIn();
    await expect(authService.logout()).resolves.toBeUndefined();
    const failure = await apiFailure(authService.me());
    expect(failure.response.status).toBe(401);
  });
});

describe('the 401 path', () => {
  it('clears storage and calls the configured unauthorized handler with the error', async () => {
    const calls = recordUnauthorized();
    const session = await signIn();
    const revoked = session.access_token;
    await authService.logout();
    // A stale session: the app still holds the revoked token and the user.
    storage.setToken(revoked);
    storage.setUser(session.user);

    const failure = await apiFailure(usersService.getAll());
    expect(failure.response.status).toBe(401);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toBe(failure);
    expect(calls[0]!.config?.headers.Authorization).toBe(`Bearer ${revoked}`);
    expect(storage.getToken()).toBeNull();
    expect(storage.getUser()).toBeNull();
  });

  it('the default handler in Node clears storage and touches no window', async () => {
    setUnauthorizedHandler(null);
    expect(typeof window).toBe('undefined');
    storage.setToken('opbx_not-a-real-token');
    const failure = await apiFailure(authService.me());
    expect(failure.response.status).toBe(401);
    expect(storage.getToken()).toBeNull();
  });

  it('the default handler in a browser also sends the user to /login', async () => {
    setUnauthorizedHandler(null);
    const location = { href: 'http://localhost:5173/extensions' };
    vi.stubGlobal('window', { location });
    storage.setToken('opbx_not-a-real-token');
    const failure = await apiFailure(authService.me());
    expect(failure.response.status).toBe(401);
    expect(location.href).toBe('/login');
    expect(storage.getToken()).toBeNull();
  });

  it('a failed login is an error for the form, not an expired session', async () => {
    const calls = recordUnauthorized();
    const session = await signIn();
    const failure = await apiFailure(authService.login({ email: DEMO.email, password: 'wrong-password-1' }));
    // 422 on the email field (as Laravel answers), not the 401 the interceptor reads as an expired session.
    expect(failure.response.status).toBe(422);
    expect(failure.response.data.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'These credentials do not match our records.',
      details: [{ field: 'email', message: 'These credentials do not match our records.' }],
      request_id: expect.any(String),
    });
    const unknown = await apiFailure(authService.login({ email: 'nobody@opbx.local', password: 'wrong-password-1' }));
    expect(unknown.response.data.error).toMatchObject({
      code: failure.response.data.error.code,
      message: failure.response.data.error.message,
      details: failure.response.data.error.details,
    });
    expect(calls).toHaveLength(0);
    expect(storage.getToken()).toBe(session.access_token);
  });
});

describe('403 and network errors', () => {
  it('a 403 keeps the session and logs the permission problem', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const calls = recordUnauthorized();
    const agent = await signIn('sam@opbx.local', 'demo1234');
    expect(agent.user.role).toBe('agent');
    const failure = await apiFailure(usersService.getAll());
    expect(failure.response.status).toBe(403);
    expect(failure.response.data.error.code).toBe('FORBIDDEN');
    expect(errors).toHaveBeenCalledWith('Insufficient permissions');
    expect(calls).toHaveLength(0);
    expect(storage.getToken()).toBe(agent.access_token);
  });

  it('an unreachable server rejects without a response and logs a network error', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    configureApi({ baseURL: `http://127.0.0.1:${closedPort}/api/v1`, timeout: 5000 });
    try {
      const error = await authService.me().then(
        () => undefined,
        (err: AxiosError) => err,
      );
      expect(error?.isAxiosError).toBe(true);
      expect(error?.response).toBeUndefined();
      expect(error?.code).toBe('ECONNREFUSED');
      expect(errors).toHaveBeenCalledWith('Network error - check your connection');
    } finally {
      configureApi({ baseURL: `${server.url}/api/v1`, timeout: 30000 });
    }
  });
});
