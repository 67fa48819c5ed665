import { notFound } from '@opbx/platform';
import type { ProviderPerformance } from '@warp/contract';
import type { CdrAttempt } from '@warp/contract';
import { Decimal } from 'decimal.js';
import { sql } from 'kysely';

import type { AppContext } from '../../context.js';
import { periodRange } from './range.js';

/**
 * A provider's quality over a period, from every attempt it was offered (read from the CDRs
 * whose final provider it was, through the (provider_id, started_at) index): ASR, ACD, NER
 * (answered or a user's own busy/no-answer/reject: the network worked) and the SIP final-code
 * histogram. PDD needs the edge's ringing time, which the CDR does not carry yet: 0.
 */
export async function providerPerformance(ctx: AppContext, providerId: string, period: 'today' | 'week' | 'month'): Promise<ProviderPerformance> {
  const exists = await ctx.db.selectFrom('providers').select('id').where('id', '=', providerId).executeTakeFirst();
  if (!exists) throw notFound('Provider');
  const { from, to } = periodRange(period);
  const rows = await ctx.db
    .selectFrom('cdrs')
    .select(['attempts'])
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .where((eb) => eb.or([eb('provider_id', '=', providerId), sql<boolean>`attempts like ${`%${providerId}%`}`]))
    .execute();
  let attempts = 0;
  let answered = 0;
  let effective = 0;
  let seconds = 0;
  const codes: Record<string, number> = {};
  for (const r of rows) {
    for (const a of JSON.parse(r.attempts) as CdrAttempt[]) {
      if (a.provider_id !== providerId) continue;
      attempts++;
      codes[String(a.sip_code)] = (codes[String(a.sip_code)] ?? 0) + 1;
      if (a.answered_at) {
        answered++;
        seconds += Math.max(0, Math.ceil((Date.parse(a.ended_at) - Date.parse(a.answered_at)) / 1000));
      }
      if (a.answered_at || [486, 480, 487, 603, 600, 404, 484].includes(a.sip_code)) effective++;
    }
  }
  const pct = (a: number, b: number) => (b === 0 ? 0 : new Decimal(a).div(b).mul(100).toDecimalPlaces(2).toNumber());
  return {
    provider_id: providerId,
    period,
    attempts,
    answered,
    asr: pct(answered, attempts),
    acd: answered === 0 ? 0 : new Decimal(seconds).div(answered).toDecimalPlaces(1).toNumber(),
    pdd: 0,
    ner: pct(effective, attempts),
    sip_codes: codes,
  };
}
