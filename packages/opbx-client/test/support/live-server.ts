import { randomBytes } from 'node:crypto';

import { type AxiosError, isAxiosError } from 'axios';

import { readConfig } from '../../../../apps/opbx-server/src/config.js';
import { startServer } from '../../../../apps/opbx-server/src/server.js';
import { freshDatabaseUrl } from '../../../../apps/opbx-server/test/support/context.js';
import { type APIError, authService, configureApi, storage } from '../../src/index.js';

export const DEMO = { email: 'demo@opbx.local', password: 'demo1234' } as const;

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

/** The OPBX server as its README starts it (demo data), on a random port and a fresh database. */
export async function startLiveServer(): Promise<LiveServer> {
  const db = await freshDatabaseUrl();
  const config = readConfig({
    PORT: '0',
    OPBX_WS_PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    OPBX_APP_KEY: randomBytes(16).toString('hex'),
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    // The PostgreSQL + Redis pass runs the client against a server on Redis too.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, OPBX_REDIS_PREFIX: `test:${randomBytes(4).toString('hex')}:` } : {}),
  });
  const server = await startServer(config, { demo: true, signals: false });
  configureApi({ baseURL: `${server.url}/api/v1` });
  return {
    url: server.url,
    async close() {
      await server.stop();
      await db.drop();
    },
  };
}

/** Logs in through the service and keeps the token where the request interceptor reads it. */
export async function signIn(email: string = DEMO.email, password: string = DEMO.password) {
  const session = await authService.login({ email, password });
  storage.setToken(session.access_token);
  storage.setUser(session.user);
  return session;
}

/** The rejection of `promise`, which must be an AxiosError carrying a response. */
export async function apiFailure(promise: Promise<unknown>): Promise<AxiosError<APIError> & { response: NonNullable<AxiosError<APIError>['response']> }> {
  try {
    await promise;
  } catch (err) {
    if (isAxiosError<APIError>(err) && err.response) return err as AxiosError<APIError> & { response: NonNullable<AxiosError<APIError>['response']> };
    throw err;
  }
  throw new Error('expected the request to fail');
}

let counter = 0;
/** Unique within the run; each test file has its own fresh database anyway. */
export const unique = (label: string) => `${label}-${process.pid}-${++counter}`;

/** Extension numbers from 7001 up: clear of the demo's 101–104 and 200. */
export const nextExtensionNumber = () => String(7000 + ++counter);

/** A random, valid E.164 number in the fictional 555 range (the demo uses +1555010000x). */
export const randomE164 = () => `+1555${String(2_000_000 + Math.floor(Math.random() * 7_000_000))}`;
