import { notFound } from '@opbx/platform';

import type { AppContext } from '../../context.js';
import { decide, needsLrn, normalizeNumber, type RouteDecision } from './engine/index.js';
import { CUSTOMER_COLUMNS, customerSnap, routingOf, TRUNK_COLUMNS, trunkSnap } from './routing.state.js';

export interface SimulateInput {
  trunk_id?: string;
  customer_id?: string;
  ani: string;
  dni: string;
  at?: string;
}

/** One decision as the switch would get it: the LRN dip (when configured) and the engine. */
export async function simulate(ctx: AppContext, input: SimulateInput): Promise<RouteDecision> {
  const state = routingOf(ctx);
  // Trunk and customer settings are read fresh: their own services change them without telling routing.
  const trunkRow = input.trunk_id ? await ctx.db.selectFrom('trunks').select(TRUNK_COLUMNS).where('id', '=', input.trunk_id).executeTakeFirst() : undefined;
  if (input.trunk_id && !trunkRow) throw notFound('Trunk');
  const customerId = trunkRow?.customer_id ?? input.customer_id!;
  const customerRow = await ctx.db.selectFrom('customers').select(CUSTOMER_COLUMNS).where('id', '=', customerId).executeTakeFirst();
  if (!customerRow) throw notFound('Customer');
  const trunk = trunkRow ? trunkSnap(trunkRow) : undefined;
  const snapshot = await state.current();
  const dialled = normalizeNumber(input.dni, trunk?.techPrefix);
  const lrn = dialled && needsLrn(dialled) && state.lrn ? await state.lrn.dip(dialled.digits.slice(1)) : undefined;
  return decide(snapshot, {
    trunkId: input.trunk_id,
    customerId,
    trunk,
    customer: customerSnap(customerRow),
    ani: input.ani,
    dni: input.dni,
    at: input.at ? Date.parse(input.at) : Date.now(),
    lrn,
  });
}

/** What a customer may see of a decision: never providers, costs or margins. */
export function customerView(d: RouteDecision) {
  return {
    routable: d.decision === 'route',
    reason_code: d.reason_code,
    zone: d.zone,
    sell_rate: d.decision === 'route' ? d.sell_rate : null,
  };
}
