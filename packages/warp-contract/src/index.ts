export * from './common.js';
export * from './users.js';
export * from './auth.js';
export * from './customers.js';
export * from './trunks.js';
export * from './api-keys.js';
export * from './webhooks.js';
export * from './audit.js';
