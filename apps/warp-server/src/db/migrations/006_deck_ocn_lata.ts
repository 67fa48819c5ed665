import type { Kysely } from 'kysely';

/**
 * OCN/LATA-priced deck rows (issue 13): a provider of type `ocn_lata` prices a call on the
 * terminating NPA-NXX's operating company and LATA, so a deck row may be keyed by `ocn` + `lata`
 * instead of a prefix or an NPA-NXX. No index: the importer reads a deck by owner (rates_owner_open).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rates').addColumn('ocn', 'text').execute();
  await db.schema.alterTable('rates').addColumn('lata', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rates').dropColumn('lata').execute();
  await db.schema.alterTable('rates').dropColumn('ocn').execute();
}
