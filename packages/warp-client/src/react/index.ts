export { warpKeys } from './keys.js';
export { adminQueries, customerMutations, customerQueries, type Notifier } from './queries.js';
export { createAdminHooks, createCustomerHooks } from './hooks.js';
