import { nowIso } from '@opbx/platform';
import type { Kysely, Transaction } from 'kysely';

import type { AppContext } from '../../context.js';
import type { Database, OutboundPoliciesTable } from '../../db/schema.js';
import type { PutOutboundPolicyInput } from './outbound-policy.schema.js';
import { countryOfNumbers, defaultPolicy, type OutboundPolicy } from './policy.js';

type Db = Kysely<Database> | Transaction<Database>;

interface OutboundPolicyView {
  country: string;
  allow_national: boolean;
  allow_international: boolean;
  allow_premium: boolean;
  allow_special: boolean;
  blocked_prefixes: string[];
  blocked_countries: string[];
  /** true until an owner saves a policy: the default, national only, in the country of most of the organization's numbers. */
  is_default: boolean;
  updated_at: string | null;
}

const parseList = (raw: string): string[] => {
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

const policyFromRow = (row: OutboundPoliciesTable): OutboundPolicy => ({
  country: row.country,
  allowNational: Boolean(row.allow_national),
  allowInternational: Boolean(row.allow_international),
  allowPremium: Boolean(row.allow_premium),
  allowSpecial: Boolean(row.allow_special),
  blockedPrefixes: parseList(row.blocked_prefixes),
  blockedCountries: parseList(row.blocked_countries),
});

/**
 * The organization's policy: its saved row, else the default in the country of its numbers.
 * `dids` saves a query when the caller has them loaded already (the routing snapshot).
 */
export async function loadOutboundPolicy(db: Db, organizationId: string, dids?: string[]): Promise<{ policy: OutboundPolicy; row?: OutboundPoliciesTable }> {
  const row = await db.selectFrom('outbound_policies').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
  if (row) return { policy: policyFromRow(row), row };
  const numbers =
    dids ?? (await db.selectFrom('dids').select('phone_number').where('organization_id', '=', organizationId).execute()).map((d) => d.phone_number);
  return { policy: defaultPolicy(countryOfNumbers(numbers)) };
}

function present(policy: OutboundPolicy, row?: { updated_at: string }): OutboundPolicyView {
  return {
    country: policy.country,
    allow_national: policy.allowNational,
    allow_international: policy.allowInternational,
    allow_premium: policy.allowPremium,
    allow_special: policy.allowSpecial,
    blocked_prefixes: policy.blockedPrefixes,
    blocked_countries: policy.blockedCountries,
    is_default: !row,
    updated_at: row?.updated_at ?? null,
  };
}

export async function getOutboundPolicy(ctx: AppContext, organizationId: string): Promise<OutboundPolicyView> {
  const { policy, row } = await loadOutboundPolicy(ctx.db, organizationId);
  return present(policy, row);
}

export async function putOutboundPolicy(ctx: AppContext, organizationId: string, input: PutOutboundPolicyInput): Promise<OutboundPolicyView> {
  const { policy: current, row: existing } = await loadOutboundPolicy(ctx.db, organizationId);
  const now = nowIso();
  const row: OutboundPoliciesTable = {
    organization_id: organizationId,
    country: input.country ?? current.country,
    allow_national: Number(input.allow_national ?? current.allowNational),
    allow_international: Number(input.allow_international ?? current.allowInternational),
    allow_premium: Number(input.allow_premium ?? current.allowPremium),
    allow_special: Number(input.allow_special ?? current.allowSpecial),
    blocked_prefixes: JSON.stringify(input.blocked_prefixes ?? current.blockedPrefixes),
    blocked_countries: JSON.stringify(input.blocked_countries ?? current.blockedCountries),
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  await ctx.db
    .insertInto('outbound_policies')
    .values(row)
    .onConflict((oc) => oc.column('organization_id').doUpdateSet({ ...row, created_at: undefined }))
    .execute();
  // Routing reads the policy from the snapshot: a tightened policy applies to the next call.
  await ctx.configChanged(organizationId);
  return present(policyFromRow(row), row);
}
