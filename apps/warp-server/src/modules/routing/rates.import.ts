import type { Readable } from 'node:stream';

import { invalid, newId, nowIso } from '@opbx/platform';
import { RATE_DECK_COLUMNS, type RateImportReport } from '@warp/contract';
import { parse } from 'csv-parse';

import type { AppContext } from '../../context.js';
import type { RatesTable } from '../../db/routing-tables.js';
import { decimalToMicros } from './engine/money.js';

/*
 * Rate deck imports (issue 13 §2): the CSV is streamed through csv-parse, every row validated,
 * the result diffed against the live deck, and — unless it is a dry run or a row was refused —
 * activated in one transaction: rows the file supersedes are end-dated at the new row's
 * effective date, keys the file no longer lists at the file's first effective date. Nothing is
 * ever deleted, so the rate valid at any past instant can still be found.
 */

const RATE_COLUMNS = ['interstate', 'intrastate', 'local', 'indeterminate', 'rate'] as const;
const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;
/** exact integer micro-units of a validated rate (a 13-digit one is refused by the ceiling first) */
const m = (s: string | null) => (s === null ? null : s.length > 14 && !s.includes('.') ? Infinity : decimalToMicros(s));
const MAX_RATE = 1_000_000;
/** the report lists at most this many refused rows (the count is always complete) */
const MAX_REJECTED_LISTED = 1000;
const CHUNK = 500;

export interface DeckOwner {
  owner: string;
  provider_id: string | null;
  rate_plan: string | null;
  defaults: { initial_increment: number; subsequent_increment: number; connection_fee: string };
}

type Staged = Omit<RatesTable, 'id' | 'owner' | 'provider_id' | 'rate_plan' | 'import_id' | 'created_at'> & { line: number };

export interface ImportResult extends RateImportReport {
  rejected_total: number;
}

const isDate = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const keyOf = (r: { prefix: string | null; npanxx: string | null; ocn: string | null; lata: string | null }) =>
  r.npanxx ? `N${r.npanxx}` : r.ocn ? `O${r.ocn}:${r.lata}` : `P${r.prefix}`;
const keyName = (r: { npanxx: string | null; ocn: string | null }) => (r.npanxx ? 'npanxx' : r.ocn ? 'ocn' : 'prefix');

function validateRow(
  rec: string[],
  index: Map<string, number>,
  line: number,
  owner: DeckOwner,
  today: string,
): { row?: Staged; reason?: string; column?: string } {
  const v = (c: string) => {
    const i = index.get(c);
    const s = i === undefined ? undefined : rec[i];
    return s === undefined || s === '' ? null : s;
  };
  const prefix = v('prefix');
  const npanxx = v('npanxx');
  const ocn = v('ocn')?.toUpperCase() ?? null;
  const lata = v('lata');
  if (prefix && npanxx) return { reason: 'give prefix or npanxx, not both', column: 'prefix' };
  if ((ocn || lata) && (prefix || npanxx)) return { reason: 'give ocn and lata, or a prefix or npanxx, not both', column: ocn ? 'ocn' : 'lata' };
  if (!prefix && !npanxx && !ocn && !lata) return { reason: 'prefix or npanxx (or ocn and lata) is required', column: 'prefix' };
  if (prefix && !/^\d{1,20}$/.test(prefix)) return { reason: 'prefix must be 1 to 20 digits (E.164 without +, NANP with its leading 1)', column: 'prefix' };
  if (npanxx && !/^[2-9]\d{2}[2-9]\d{2}$/.test(npanxx)) return { reason: 'npanxx must be 6 digits (NPA and NXX start with 2-9)', column: 'npanxx' };
  if (ocn || lata) {
    if (!ocn || !lata) return { reason: 'an OCN/LATA row needs both ocn and lata', column: ocn ? 'lata' : 'ocn' };
    if (!/^[0-9A-Z]{4}$/.test(ocn)) return { reason: 'ocn must be 4 letters or digits', column: 'ocn' };
    if (!/^\d{3}$/.test(lata)) return { reason: 'lata must be 3 digits', column: 'lata' };
    // The sell side prices on the dialled digits; an OCN/LATA row there would never be read.
    if (owner.provider_id === null) return { reason: 'OCN/LATA rows belong in provider decks (ocn_lata providers), not sell decks', column: 'ocn' };
  }
  const rates: Record<string, string | null> = {};
  for (const c of RATE_COLUMNS) {
    const s = v(c);
    if (s !== null) {
      if (!DECIMAL.test(s)) return { reason: `${c} must be a non-negative decimal with up to 6 places`, column: c };
      if (decimalToMicros(s) > MAX_RATE * 1_000_000) return { reason: `${c} must be at most ${MAX_RATE}`, column: c };
    }
    rates[c] = s;
  }
  const nanp = !!npanxx || !!ocn || prefix!.startsWith('1');
  if (nanp) {
    if (rates.rate === null && (rates.interstate === null || rates.intrastate === null))
      return { reason: 'a NANP row needs interstate and intrastate rates (or one rate)', column: 'interstate' };
  } else {
    if (rates.rate === null) return { reason: 'a non-NANP row needs its single rate', column: 'rate' };
    const extra = (['interstate', 'intrastate', 'local', 'indeterminate'] as const).find((c) => rates[c] !== null);
    if (extra) return { reason: `a non-NANP row takes one rate, not ${extra}`, column: extra };
  }
  const fee = v('connection_fee') ?? owner.defaults.connection_fee;
  if (!DECIMAL.test(fee)) return { reason: 'connection_fee must be a non-negative decimal with up to 6 places', column: 'connection_fee' };
  const ints: Record<string, number> = {};
  for (const [c, def, min] of [
    ['initial_increment', owner.defaults.initial_increment, 1],
    ['subsequent_increment', owner.defaults.subsequent_increment, 1],
    ['minimum_duration', 0, 0],
  ] as const) {
    const s = v(c);
    if (s !== null && !/^\d{1,4}$/.test(s)) return { reason: `${c} must be a whole number of seconds`, column: c };
    const n = s === null ? def : Number(s);
    if (n < min || n > 3600) return { reason: `${c} must be between ${min} and 3600 seconds`, column: c };
    ints[c] = n;
  }
  const effective = v('effective_date') ?? today;
  if (!isDate(effective)) return { reason: 'effective_date must be a date (YYYY-MM-DD)', column: 'effective_date' };
  const end = v('end_date');
  if (end !== null && !isDate(end)) return { reason: 'end_date must be a date (YYYY-MM-DD)', column: 'end_date' };
  if (end !== null && end <= effective) return { reason: 'end_date must be after effective_date', column: 'end_date' };
  const description = v('description');
  if (description && description.length > 200) return { reason: 'description is longer than 200 characters', column: 'description' };
  const country = v('country');
  if (country && country.length > 64) return { reason: 'country is longer than 64 characters', column: 'country' };
  return {
    row: {
      line,
      prefix,
      npanxx,
      ocn,
      lata,
      description,
      country,
      interstate: rates.interstate!,
      intrastate: rates.intrastate!,
      local: rates.local!,
      indeterminate: rates.indeterminate!,
      rate: rates.rate!,
      connection_fee: fee,
      initial_increment: ints.initial_increment!,
      subsequent_increment: ints.subsequent_increment!,
      minimum_duration: ints.minimum_duration!,
      effective_date: effective,
      end_date: end,
    },
  };
}

type Live = Pick<
  RatesTable,
  | 'id'
  | 'prefix'
  | 'npanxx'
  | 'ocn'
  | 'lata'
  | 'effective_date'
  | 'end_date'
  | 'connection_fee'
  | 'initial_increment'
  | 'subsequent_increment'
  | 'minimum_duration'
  | 'description'
  | 'country'
  | (typeof RATE_COLUMNS)[number]
>;

/** new > old in any rate column: increased; else any lower: decreased; else unchanged. */
function compare(next: Staged, live: Live): 'increased' | 'decreased' | 'unchanged' {
  let down = false;
  for (const c of RATE_COLUMNS) {
    const a = m(next[c]);
    const b = m(live[c]);
    if (a === b) continue;
    if (a === null || b === null) return 'increased';
    if (a > b) return 'increased';
    down = true;
  }
  return down ? 'decreased' : 'unchanged';
}

const sameRow = (next: Staged, live: Live) =>
  RATE_COLUMNS.every((c) => m(next[c]) === m(live[c])) &&
  m(next.connection_fee) === m(live.connection_fee) &&
  next.initial_increment === Number(live.initial_increment) &&
  next.subsequent_increment === Number(live.subsequent_increment) &&
  next.minimum_duration === Number(live.minimum_duration) &&
  next.end_date === live.end_date &&
  (next.description ?? null) === (live.description ?? null);

/**
 * Streams `file` (CSV) into a report; activates unless `dryRun` or a row was refused. A header
 * with unknown or missing columns is a 422 (nothing read further).
 */
export async function importDeck(ctx: AppContext, owner: DeckOwner, file: Readable, dryRun: boolean): Promise<ImportResult> {
  const today = new Date().toISOString().slice(0, 10);
  const staged: Staged[] = [];
  const rejected: { line: number; reason: string; column?: string }[] = [];
  let rejectedTotal = 0;
  const reject = (line: number, reason: string, column?: string) => {
    rejectedTotal++;
    if (rejected.length < MAX_REJECTED_LISTED) rejected.push({ line, reason, ...(column ? { column } : {}) });
  };
  const seen = new Map<string, number>();
  let headerError: string | undefined;
  let width = 0;
  let index: Map<string, number> | undefined;
  // Arrays, with the line number appended by on_record: no per-row objects beyond the staged row.
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    on_record: (rec: string[], context: { lines: number }) => (rec.push(String(context.lines)), rec),
  });
  file.pipe(parser);
  file.on('error', (err) => parser.destroy(err));
  let rows = 0;
  try {
    for await (const rec of parser as AsyncIterable<string[]>) {
      const line = Number(rec.pop());
      if (!index) {
        const names = rec.map((h) => h.trim().toLowerCase());
        const unknown = names.filter((n) => !(RATE_DECK_COLUMNS as readonly string[]).includes(n));
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        if (unknown.length) headerError = `unknown column(s): ${unknown.join(', ')}; the columns are ${RATE_DECK_COLUMNS.join(', ')}`;
        else if (dup) headerError = `column ${dup} appears twice`;
        else if (!names.includes('prefix') && !names.includes('npanxx') && !(names.includes('ocn') && names.includes('lata')))
          headerError = 'the header must name prefix or npanxx (or ocn and lata)';
        if (headerError) throw invalid([{ field: 'file', message: headerError }]);
        width = names.length;
        index = new Map(names.map((n, i) => [n, i]));
        continue;
      }
      rows++;
      if (rec.length !== width) {
        reject(line, `expected ${width} fields, found ${rec.length}`);
        continue;
      }
      const { row, reason, column } = validateRow(rec, index, line, owner, today);
      if (!row) {
        reject(line, reason!, column);
        continue;
      }
      const dupKey = `${keyOf(row)}@${row.effective_date}`;
      const first = seen.get(dupKey);
      if (first !== undefined) {
        const name = keyName(row);
        reject(line, `duplicate of line ${first} (same ${name === 'ocn' ? 'ocn/lata' : name} and effective_date)`, name);
        continue;
      }
      seen.set(dupKey, line);
      staged.push(row);
    }
  } catch (err) {
    if (headerError) throw err;
    const e = err as { code?: string; message: string; lines?: number };
    if (e.code?.startsWith('CSV_')) throw invalid([{ field: 'file', message: `not a readable CSV${e.lines ? ` at line ${e.lines}` : ''}: ${e.message}` }]);
    throw err;
  }
  if (rows === 0 && !width) throw invalid([{ field: 'file', message: 'the file is empty: it needs a header and rows' }]);

  // The live deck: per key, the open-ended row with the latest effective date.
  const live = new Map<string, Live>();
  const liveRows = await ctx.db
    .selectFrom('rates')
    .select([
      'id',
      'prefix',
      'npanxx',
      'ocn',
      'lata',
      'effective_date',
      'end_date',
      'connection_fee',
      'initial_increment',
      'subsequent_increment',
      'minimum_duration',
      'description',
      'country',
      ...RATE_COLUMNS,
    ])
    .where('owner', '=', owner.owner)
    .where('end_date', 'is', null)
    .execute();
  for (const r of liveRows) {
    const k = keyOf(r);
    const cur = live.get(k);
    if (!cur || r.effective_date > cur.effective_date) live.set(k, r);
  }
  const diff = { new: 0, increased: 0, decreased: 0, unchanged: 0, removed: 0 };
  const inserts: Staged[] = [];
  // live row id → the date it ends (the earliest effective date of the rows replacing it)
  const endOf = new Map<string, string>();
  const endAt = (cur: Live, date: string) => {
    // A row replaced before it began is cancelled (its window becomes empty).
    const at = cur.effective_date >= date ? cur.effective_date : date;
    const prev = endOf.get(cur.id);
    if (!prev || at < prev) endOf.set(cur.id, at);
  };
  const inFile = new Set<string>();
  let firstEffective = '9999-12-31';
  for (const row of staged) {
    const k = keyOf(row);
    inFile.add(k);
    if (row.effective_date < firstEffective) firstEffective = row.effective_date;
    const cur = live.get(k);
    if (!cur) {
      diff.new++;
      inserts.push(row);
      continue;
    }
    diff[compare(row, cur)]++;
    if (sameRow(row, cur) && row.effective_date >= cur.effective_date) continue; // nothing to change
    inserts.push(row);
    endAt(cur, row.effective_date);
  }
  const removeAt = staged.length ? (firstEffective > today ? firstEffective : today) : today;
  for (const [k, cur] of live) {
    if (inFile.has(k)) continue;
    diff.removed++;
    endAt(cur, removeAt);
  }
  const ends = new Map<string, string[]>(); // end date → live row ids
  for (const [id, date] of endOf) {
    let ids = ends.get(date);
    if (!ids) ends.set(date, (ids = []));
    ids.push(id);
  }

  const activated = !dryRun && rejectedTotal === 0 && staged.length > 0;
  if (activated) {
    const importId = newId();
    const createdAt = nowIso();
    await ctx.db.transaction().execute(async (trx) => {
      for (const [date, ids] of ends) {
        for (let i = 0; i < ids.length; i += CHUNK) {
          await trx
            .updateTable('rates')
            .set({ end_date: date })
            .where('id', 'in', ids.slice(i, i + CHUNK))
            .execute();
        }
      }
      for (let i = 0; i < inserts.length; i += CHUNK) {
        await trx
          .insertInto('rates')
          .values(
            inserts.slice(i, i + CHUNK).map((r) => ({
              id: newId(),
              owner: owner.owner,
              provider_id: owner.provider_id,
              rate_plan: owner.rate_plan,
              prefix: r.prefix,
              npanxx: r.npanxx,
              ocn: r.ocn,
              lata: r.lata,
              description: r.description,
              country: r.country,
              interstate: r.interstate,
              intrastate: r.intrastate,
              local: r.local,
              indeterminate: r.indeterminate,
              rate: r.rate,
              connection_fee: r.connection_fee,
              initial_increment: r.initial_increment,
              subsequent_increment: r.subsequent_increment,
              minimum_duration: r.minimum_duration,
              effective_date: r.effective_date,
              end_date: r.end_date,
              import_id: importId,
              created_at: createdAt,
            })),
          )
          .execute();
      }
    });
  }
  return { dry_run: dryRun, rows, accepted: staged.length, rejected, rejected_total: rejectedTotal, diff, activated };
}
