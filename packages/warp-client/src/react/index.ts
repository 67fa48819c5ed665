export { createAdminHooks, createCustomerHooks } from './hooks.js';
export { warpKeys } from './keys.js';
export { adminQueries, customerMutations, customerQueries, type Notifier } from './queries.js';
