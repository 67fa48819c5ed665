import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

import { invalid, newId, nowIso } from '@opbx/platform';
import { RATE_DECK_COLUMNS, type RateImportReport } from '@warp/contract';
import { parse } from 'csv-parse';

import type { AppContext } from '../../context.js';
import type { RatesTable } from '../../db/routing-tables.js';
import { decimalToMicros } from './engine/money.js';
import { endRates, insertRates } from './rates.bulk.js';

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

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
/** A deck repeats a handful of dates: check each once per import. */
function dateChecker() {
  const known = new Map<string, boolean>();
  return (s: string) => {
    let ok = known.get(s);
    if (ok === undefined) known.set(s, (ok = isDate(s)));
    return ok;
  };
}
const keyOf = (r: { prefix: string | null; npanxx: string | null; ocn: string | null; lata: string | null }) =>
  r.npanxx ? `N${r.npanxx}` : r.ocn ? `O${r.ocn}:${r.lata}` : `P${r.prefix}`;
const keyName = (r: { npanxx: string | null; ocn: string | null }) => (r.npanxx ? 'npanxx' : r.ocn ? 'ocn' : 'prefix');

const PREFIX = /^\d{1,20}$/;
const NPANXX = /^[2-9]\d{2}[2-9]\d{2}$/;
const OCN = /^[0-9A-Z]{4}$/;
const LATA = /^\d{3}$/;
const SECONDS = /^\d{1,4}$/;

/** Where each known column sits in the file's records (-1: absent), resolved once from the header. */
type Columns = Record<(typeof RATE_DECK_COLUMNS)[number], number>;
const columnsOf = (names: string[]): Columns => Object.fromEntries(RATE_DECK_COLUMNS.map((c) => [c, names.indexOf(c)])) as Columns;

interface RowCheck {
  owner: DeckOwner;
  today: string;
  isDate: (s: string) => boolean;
}
type Verdict = Staged | { reason: string; column?: string };
const refuse = (reason: string, column?: string): Verdict => ({ reason, column });

/** A field's value, or null when the column is absent or the field empty (csv-parse trimmed it). */
const field = (rec: string[], at: number): string | null => (at < 0 || rec[at] === '' || rec[at] === undefined ? null : rec[at]!);

/** A rate field: null, the checked decimal string, or the reason it is refused. */
function rateField(rec: string[], at: number, name: string): string | null | Verdict {
  const s = field(rec, at);
  if (s === null) return null;
  if (!DECIMAL.test(s)) return refuse(`${name} must be a non-negative decimal with up to 6 places`, name);
  if (decimalToMicros(s) > MAX_RATE * 1_000_000) return refuse(`${name} must be at most ${MAX_RATE}`, name);
  return s;
}

/** A whole number of seconds, its default, or the reason it is refused. */
function secondsField(rec: string[], at: number, name: string, def: number, min: number): number | Verdict {
  const s = field(rec, at);
  if (s !== null && !SECONDS.test(s)) return refuse(`${name} must be a whole number of seconds`, name);
  const n = s === null ? def : Number(s);
  if (n < min || n > 3600) return refuse(`${name} must be between ${min} and 3600 seconds`, name);
  return n;
}

/**
 * One record checked, in the order the report names the first problem. Written without per-row
 * helper objects or closures: a 383,000-row deck runs it 383,000 times.
 */
function validateRow(rec: string[], col: Columns, line: number, check: RowCheck): Verdict {
  const prefix = field(rec, col.prefix);
  const npanxx = field(rec, col.npanxx);
  const ocn = field(rec, col.ocn)?.toUpperCase() ?? null;
  const lata = field(rec, col.lata);
  if (prefix && npanxx) return refuse('give prefix or npanxx, not both', 'prefix');
  if ((ocn || lata) && (prefix || npanxx)) return refuse('give ocn and lata, or a prefix or npanxx, not both', ocn ? 'ocn' : 'lata');
  if (!prefix && !npanxx && !ocn && !lata) return refuse('prefix or npanxx (or ocn and lata) is required', 'prefix');
  if (prefix && !PREFIX.test(prefix)) return refuse('prefix must be 1 to 20 digits (E.164 without +, NANP with its leading 1)', 'prefix');
  if (npanxx && !NPANXX.test(npanxx)) return refuse('npanxx must be 6 digits (NPA and NXX start with 2-9)', 'npanxx');
  if (ocn || lata) {
    if (!ocn || !lata) return refuse('an OCN/LATA row needs both ocn and lata', ocn ? 'lata' : 'ocn');
    if (!OCN.test(ocn)) return refuse('ocn must be 4 letters or digits', 'ocn');
    if (!LATA.test(lata)) return refuse('lata must be 3 digits', 'lata');
    // The sell side prices on the dialled digits; an OCN/LATA row there would never be read.
    if (check.owner.provider_id === null) return refuse('OCN/LATA rows belong in provider decks (ocn_lata providers), not sell decks', 'ocn');
  }
  const interstate = rateField(rec, col.interstate, 'interstate');
  if (typeof interstate === 'object' && interstate !== null) return interstate;
  const intrastate = rateField(rec, col.intrastate, 'intrastate');
  if (typeof intrastate === 'object' && intrastate !== null) return intrastate;
  const local = rateField(rec, col.local, 'local');
  if (typeof local === 'object' && local !== null) return local;
  const indeterminate = rateField(rec, col.indeterminate, 'indeterminate');
  if (typeof indeterminate === 'object' && indeterminate !== null) return indeterminate;
  const rate = rateField(rec, col.rate, 'rate');
  if (typeof rate === 'object' && rate !== null) return rate;
  const nanp = !!npanxx || !!ocn || prefix!.startsWith('1');
  if (nanp) {
    if (rate === null && (interstate === null || intrastate === null))
      return refuse('a NANP row needs interstate and intrastate rates (or one rate)', 'interstate');
  } else {
    if (rate === null) return refuse('a non-NANP row needs its single rate', 'rate');
    const extra =
      interstate !== null ? 'interstate' : intrastate !== null ? 'intrastate' : local !== null ? 'local' : indeterminate !== null ? 'indeterminate' : null;
    if (extra) return refuse(`a non-NANP row takes one rate, not ${extra}`, extra);
  }
  const { defaults } = check.owner;
  const fee = field(rec, col.connection_fee) ?? defaults.connection_fee;
  if (!DECIMAL.test(fee)) return refuse('connection_fee must be a non-negative decimal with up to 6 places', 'connection_fee');
  const initial = secondsField(rec, col.initial_increment, 'initial_increment', defaults.initial_increment, 1);
  if (typeof initial === 'object') return initial;
  const subsequent = secondsField(rec, col.subsequent_increment, 'subsequent_increment', defaults.subsequent_increment, 1);
  if (typeof subsequent === 'object') return subsequent;
  const minimum = secondsField(rec, col.minimum_duration, 'minimum_duration', 0, 0);
  if (typeof minimum === 'object') return minimum;
  const effective = field(rec, col.effective_date) ?? check.today;
  if (!check.isDate(effective)) return refuse('effective_date must be a date (YYYY-MM-DD)', 'effective_date');
  const end = field(rec, col.end_date);
  if (end !== null && !check.isDate(end)) return refuse('end_date must be a date (YYYY-MM-DD)', 'end_date');
  if (end !== null && end <= effective) return refuse('end_date must be after effective_date', 'end_date');
  const description = field(rec, col.description);
  if (description && description.length > 200) return refuse('description is longer than 200 characters', 'description');
  const country = field(rec, col.country);
  if (country && country.length > 64) return refuse('country is longer than 64 characters', 'country');
  return {
    line,
    prefix,
    npanxx,
    ocn,
    lata,
    description,
    country,
    interstate,
    intrastate,
    local,
    indeterminate,
    rate,
    connection_fee: fee,
    initial_increment: initial,
    subsequent_increment: subsequent,
    minimum_duration: minimum,
    effective_date: effective,
    end_date: end,
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
  // Each staged row's key (prefix, NPA-NXX or OCN/LATA), the staged index of each key's first row,
  // and key@date only for keys listed more than once: a deck has one row per key, so this keeps one
  // map entry and one string per row instead of three.
  const stagedKeys: string[] = [];
  const firstOfKey = new Map<string, number>();
  const laterDates = new Map<string, number>();
  let headerError: string | undefined;
  let width = 0;
  let col: Columns | undefined;
  let rows = 0;
  const check: RowCheck = { owner, today, isDate: dateChecker() };
  const take = (rec: string[], line: number) => {
    if (!col) {
      const names = rec.map((h) => h.trim().toLowerCase());
      const unknown = names.filter((n) => !(RATE_DECK_COLUMNS as readonly string[]).includes(n));
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (unknown.length) headerError = `unknown column(s): ${unknown.join(', ')}; the columns are ${RATE_DECK_COLUMNS.join(', ')}`;
      else if (dup) headerError = `column ${dup} appears twice`;
      else if (!names.includes('prefix') && !names.includes('npanxx') && !(names.includes('ocn') && names.includes('lata')))
        headerError = 'the header must name prefix or npanxx (or ocn and lata)';
      if (headerError) throw invalid([{ field: 'file', message: headerError }]);
      width = names.length;
      col = columnsOf(names);
      return;
    }
    rows++;
    if (rec.length !== width) return reject(line, `expected ${width} fields, found ${rec.length}`);
    const row = validateRow(rec, col, line, check);
    if ('reason' in row) return reject(line, row.reason, row.column);
    const key = keyOf(row);
    const first = firstOfKey.get(key);
    let duplicateOf: number | undefined;
    if (first !== undefined) {
      const earlier = staged[first]!;
      if (earlier.effective_date === row.effective_date) duplicateOf = earlier.line;
      else {
        const dated = `${key}@${row.effective_date}`;
        duplicateOf = laterDates.get(dated);
        if (duplicateOf === undefined) laterDates.set(dated, line);
      }
    }
    if (duplicateOf !== undefined) {
      const name = keyName(row);
      return reject(line, `duplicate of line ${duplicateOf} (same ${name === 'ocn' ? 'ocn/lata' : name} and effective_date)`, name);
    }
    if (first === undefined) firstOfKey.set(key, staged.length);
    staged.push(row);
    stagedKeys.push(key);
  };
  // Each record is checked inside the parser's own callback and then dropped (on_record returns
  // null): no async iteration, so no promise per row, and nothing kept but the staged row.
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    on_record: (rec: string[], context: { lines: number }) => (take(rec, context.lines), null),
  });
  file.on('error', (err) => parser.destroy(err));
  file.pipe(parser);
  parser.resume();
  try {
    await finished(parser);
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
  let firstEffective = '9999-12-31';
  for (let i = 0; i < staged.length; i++) {
    const row = staged[i]!;
    const k = stagedKeys[i]!;
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
    if (firstOfKey.has(k)) continue;
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
      for (const [date, ids] of ends) await endRates(trx, ctx.dialect, date, ids);
      await insertRates(
        trx,
        ctx.dialect,
        { owner: owner.owner, provider_id: owner.provider_id, rate_plan: owner.rate_plan, import_id: importId, created_at: createdAt },
        inserts,
      );
    });
  }
  return { dry_run: dryRun, rows, accepted: staged.length, rejected, rejected_total: rejectedTotal, diff, activated };
}
