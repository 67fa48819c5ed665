import { Readable } from 'node:stream';

import type { CallLogRow } from '../call-records/calls.ingest.js';

/** A call-log row as the export reads it: the call's own columns and the names joined to its ids. */
export type CsvRow = Pick<
  CallLogRow,
  | 'id'
  | 'call_id'
  | 'direction'
  | 'from_number'
  | 'to_number'
  | 'did_id'
  | 'extension_id'
  | 'ring_group_id'
  | 'status'
  | 'outcome'
  | 'created_at'
  | 'answer_time'
  | 'end_time'
  | 'duration'
  | 'recording_url'
> & { did_number: string | null; extension_number: string | null; extension_name: string | null; ring_group_name: string | null };

/** The call-log columns the export selects (the joined names come from the joins). */
export const CSV_CALL_COLUMNS = [
  'id',
  'call_id',
  'direction',
  'from_number',
  'to_number',
  'did_id',
  'extension_id',
  'ring_group_id',
  'status',
  'outcome',
  'created_at',
  'answer_time',
  'end_time',
  'duration',
  'recording_url',
] as const satisfies ReadonlyArray<keyof CsvRow>;

/**
 * RFC 4180 cell. Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a
 * leading apostrophe — except plain phone numbers like +15551234567, which stay usable.
 */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^\+\d{1,15}$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const QUARTER_HOUR = 15 * 60_000;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `2025-05-01 12:03:05` in the zone: what a spreadsheet reads as a date-time. Intl formats at
 * ~10 µs a call, too slow for a million rows times three columns, so it is asked only for the zone's
 * offset once per quarter hour (offsets change on the hour or half hour), cached: the export runs
 * in time order, so nearly every row reuses the offset of the row before.
 */
export function localTimeFormatter(timezone: string): (iso: string | null) => string {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const offsets = new Map<number, number>();
  const offsetAt = (t: number): number => {
    const quarter = Math.floor(t / QUARTER_HOUR);
    let offset = offsets.get(quarter);
    if (offset === undefined) {
      const at = quarter * QUARTER_HOUR;
      const p = Object.fromEntries(format.formatToParts(at).map((x) => [x.type, Number(x.value)]));
      offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
      if (offsets.size > 50_000) offsets.clear();
      offsets.set(quarter, offset);
    }
    return offset;
  };
  return (iso) => {
    if (!iso) return '';
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return '';
    const d = new Date(t + offsetAt(t));
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  };
}

interface Column {
  header: string;
  value: (row: CsvRow) => unknown;
}

/**
 * Names and numbers next to the ids they belong to; local times named by their zone, then the
 * UTC ISO times (exact, and what earlier exports had) for programs.
 */
function csvColumns(timezone: string): Column[] {
  const local = localTimeFormatter(timezone);
  const col = (key: keyof CsvRow): Column => ({ header: key, value: (r) => r[key] });
  return [
    col('id'),
    col('call_id'),
    col('direction'),
    col('from_number'),
    col('to_number'),
    col('did_id'),
    col('did_number'),
    col('extension_id'),
    col('extension_number'),
    col('extension_name'),
    col('ring_group_id'),
    col('ring_group_name'),
    col('status'),
    col('outcome'),
    { header: `start_time (${timezone})`, value: (r) => local(r.created_at) },
    { header: `answer_time (${timezone})`, value: (r) => local(r.answer_time) },
    { header: `end_time (${timezone})`, value: (r) => local(r.end_time) },
    col('created_at'),
    col('answer_time'),
    col('end_time'),
    col('duration'),
    col('recording_url'),
  ];
}

/**
 * Streams rows page by page (keyset, so each page is an index seek): memory stays flat however
 * many rows match, and the client's back-pressure pauses the database reads.
 */
export function csvStream(timezone: string, fetchPage: (after: { created_at: string; id: string } | undefined) => Promise<CsvRow[]>): Readable {
  const columns = csvColumns(timezone);
  // A loop and one string per row, not arrays of cells: a million rows make enough garbage already.
  const line = (row: CsvRow) => {
    let out = csvCell(columns[0]!.value(row));
    for (let i = 1; i < columns.length; i++) out += ',' + csvCell(columns[i]!.value(row));
    return out + '\r\n';
  };
  let after: { created_at: string; id: string } | undefined;
  let headerSent = false;
  let done = false;
  return new Readable({
    async read() {
      try {
        if (!headerSent) {
          headerSent = true;
          this.push(columns.map((c) => csvCell(c.header)).join(',') + '\r\n');
          return;
        }
        if (done) return;
        const rows = await fetchPage(after);
        if (rows.length === 0) {
          done = true;
          this.push(null);
          return;
        }
        const last = rows[rows.length - 1]!;
        after = { created_at: last.created_at, id: last.id };
        let chunk = '';
        for (const row of rows) chunk += line(row);
        this.push(chunk);
      } catch (err) {
        this.destroy(err as Error);
      }
    },
  });
}
