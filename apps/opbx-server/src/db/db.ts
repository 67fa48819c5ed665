import type { DbOrTransaction } from '@opbx/platform';

import type { Database } from './schema.js';

/** The OPBX database or a transaction on it: what query and service functions take. */
export type Db = DbOrTransaction<Database>;
