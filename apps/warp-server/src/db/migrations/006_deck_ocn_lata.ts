import { type Kysely, sql } from 'kysely';

/**
 * OCN/LATA-priced deck rows (issue 13): a provider of type `ocn_lata` prices a call on the
 * terminating NPA-NXX's operating company and LATA, so a deck row may be keyed by `ocn` + `lata`
 * instead of a prefix or an NPA-NXX. No index for them: the importer reads a deck by owner
 * (rates_owner_open) and the snapshot holds the rows in memory.
 *
 * The prefix and NPA-NXX indexes become partial: every row has exactly one of its keys, so each
 * index held a NULL entry for every row of the other kinds — a 383,000-row NPA-NXX deck wrote
 * 383,000 useless entries into rates_owner_prefix. Lookups by a key (`prefix in (…)`,
 * `npanxx = …`) imply it is not null, so both databases still use them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rates').addColumn('ocn', 'text').execute();
  await db.schema.alterTable('rates').addColumn('lata', 'text').execute();
  await db.schema.dropIndex('rates_owner_prefix').execute();
  await db.schema.dropIndex('rates_owner_npanxx').execute();
  await sql`create index rates_owner_prefix on rates (owner, prefix, effective_date) where prefix is not null`.execute(db);
  await sql`create index rates_owner_npanxx on rates (owner, npanxx, effective_date) where npanxx is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('rates_owner_npanxx').execute();
  await db.schema.dropIndex('rates_owner_prefix').execute();
  await db.schema.createIndex('rates_owner_prefix').on('rates').columns(['owner', 'prefix', 'effective_date']).execute();
  await db.schema.createIndex('rates_owner_npanxx').on('rates').columns(['owner', 'npanxx', 'effective_date']).execute();
  await db.schema.alterTable('rates').dropColumn('lata').execute();
  await db.schema.alterTable('rates').dropColumn('ocn').execute();
}
