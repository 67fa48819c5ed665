import type { Migration } from 'kysely';

import * as m001 from './001_foundation.js';
import * as m002 from './002_totp_replay.js';
import * as m003 from './003_routing.js';
import * as m004 from './004_cdrs.js';
import * as m005 from './005_cdr_exports.js';
import * as m006 from './006_deck_ocn_lata.js';
import * as m007 from './007_sip_edge.js';
import * as m008 from './008_route_decisions.js';

/** Ordered by name; never edit a migration once released, add the next one. */
export const migrations: Record<string, Migration> = {
  '001_foundation': m001,
  '002_totp_replay': m002,
  '003_routing': m003,
  '004_cdrs': m004,
  '005_cdr_exports': m005,
  '006_deck_ocn_lata': m006,
  '007_sip_edge': m007,
  '008_route_decisions': m008,
};
