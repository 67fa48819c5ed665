import type { Trunk } from '@warp/contract';

import type { CustomersTable, TrunksTable } from '../../db/schema.js';

/** Never the digest password: it leaves only through create and GET /trunks/:id/credentials. */
export function presentTrunk(row: TrunksTable, customerStatus: CustomersTable['status']): Trunk {
  return {
    id: row.id,
    customer_id: row.customer_id,
    name: row.name,
    description: row.description,
    status: row.status,
    effective_status: customerStatus === 'active' ? row.status : 'suspended',
    direction: row.direction,
    auth_type: row.auth_type,
    allowed_ips: JSON.parse(row.allowed_ips),
    sip_username: row.sip_username,
    tech_prefix: row.tech_prefix,
    max_channels: row.max_channels,
    max_cps: row.max_cps,
    daily_spend_limit: row.daily_spend_limit,
    allowed_destinations: JSON.parse(row.allowed_destinations),
    blocked_prefixes: JSON.parse(row.blocked_prefixes),
    codecs: JSON.parse(row.codecs),
    partition_id: row.partition_id,
    outbound_destinations: JSON.parse(row.outbound_destinations),
    rate_plan: row.rate_plan ?? null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
