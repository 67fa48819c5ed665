import { Readable } from 'node:stream';

import type { AppContext } from '../../context.js';
import { DEMO_CUSTOMER } from '../../demo/constants.js';
import { SYSTEM_ACTOR } from '../../http/auth.js';
import { createPartition } from './partitions.service.js';
import { createProvider } from './providers.service.js';
import { importDeck } from './rates.import.js';
import { providerOwner, sellOwner } from './rates.service.js';
import { routingOf } from './routing.state.js';

/** Numbers the demo's Telique sandbox knows as ported (the rest answer themselves: not ported). */
export const DEMO_LRN_TABLE = { '2125551234': { lrn: '2015550000', spid: '1234' }, '3125550100': { lrn: '7735550000', spid: '5678' } };

const deck = (rows: string[]) => Readable.from([`${rows.join('\n')}\n`]);

/**
 * Routing demo data, once: two providers with small decks, a partition, the `standard` sell plan,
 * and Acme's trunks routed through them — so the simulator and the trunk test answer at once.
 */
export async function seedRoutingDemo(ctx: AppContext): Promise<boolean> {
  if (await ctx.db.selectFrom('providers').select('id').executeTakeFirst()) return false;
  const gw = (host: string) => [{ host, port: 5060, transport: 'udp' as const, priority: 1, weight: 100 }];
  const base = { status: 'active' as const, ani_classes: ['any' as const], initial_increment: 6, subsequent_increment: 6, connection_fee: '0' };
  const lrn = await createProvider(ctx, SYSTEM_ACTOR, {
    ...base,
    name: 'Demo LRN Carrier',
    type: 'lrn',
    gateways: gw('sbc.lrn-carrier.example'),
    jurisdiction_policy: 'poi',
    poi_state: 'NY',
  });
  const intl = await createProvider(ctx, SYSTEM_ACTOR, {
    ...base,
    name: 'Demo Global Carrier',
    type: 'prefix',
    gateways: gw('sip.global-carrier.example'),
    jurisdiction_policy: 'interstate',
  });
  const header = 'prefix,npanxx,description,interstate,intrastate,indeterminate,rate,effective_date';
  await importDeck(
    ctx,
    await providerOwner(ctx, lrn.id),
    deck([
      header,
      '1,,US default,0.0060,0.0080,0.0075,,2026-01-01',
      ',212555,New York NY,0.0040,0.0035,0.0042,,2026-01-01',
      ',201555,Hackensack NJ,0.0030,0.0028,0.0031,,2026-01-01',
      ',773555,Chicago IL,0.0032,0.0030,0.0033,,2026-01-01',
    ]),
    false,
  );
  await importDeck(
    ctx,
    await providerOwner(ctx, intl.id),
    deck([
      header,
      '1,,US default,0.0070,0.0090,0.0090,,2026-01-01',
      '44,,United Kingdom,,,,0.0110,2026-01-01',
      '4420,,London,,,,0.0090,2026-01-01',
      '52,,Mexico,,,,0.0250,2026-01-01',
    ]),
    false,
  );
  await importDeck(
    ctx,
    sellOwner('standard'),
    deck([header, '1,,US,0.0120,0.0120,0.0120,,2026-01-01', '44,,United Kingdom,,,,0.0200,2026-01-01', '52,,Mexico,,,,0.0400,2026-01-01']),
    false,
  );
  const partition = await createPartition(ctx, SYSTEM_ACTOR, {
    name: 'Standard',
    description: 'demo',
    providers: [
      { provider_id: lrn.id, priority: 1, weight: 100 },
      { provider_id: intl.id, priority: 2, weight: 100 },
    ],
  });
  const acme = await ctx.db.selectFrom('customers').select('id').where('name', '=', DEMO_CUSTOMER.name).executeTakeFirst();
  if (acme) {
    await ctx.db.updateTable('customers').set({ rate_plan: 'standard' }).where('id', '=', acme.id).execute();
    await ctx.db.updateTable('trunks').set({ partition_id: partition.id }).where('customer_id', '=', acme.id).execute();
  }
  await routingOf(ctx).changed();
  return true;
}
