import type { Customer } from '@warp/contract';

import type { CustomersTable } from '../../db/schema.js';

export function presentCustomer(row: CustomersTable): Customer {
  return {
    id: row.id,
    ban: row.ban,
    name: row.name,
    type: row.type,
    status: row.status,
    status_reason: row.status_reason,
    contact: JSON.parse(row.contact),
    address: row.address ? JSON.parse(row.address) : null,
    credit_limit: row.credit_limit,
    payment_terms: row.payment_terms,
    currency: row.currency,
    suspended_at: row.suspended_at,
    terminated_at: row.terminated_at,
    rate_plan: row.rate_plan ?? null,
    allow_loss: Number(row.allow_loss ?? 0) === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
