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

/** `2025-05-01 12:03:05` in the zone: what a spreadsheet reads as a date-time. One formatter per export. */
function localTimeFormatter(timezone: string): (iso: string | null) => string {
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
  return (iso) => {
    if (!iso) return '';
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return '';
    const p = Object.fromEntries(format.formatToParts(t).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
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
  const line = (row: CsvRow) => columns.map((c) => csvCell(c.value(row))).join(',') + '\r\n';
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
        this.push(rows.map(line).join(''));
      } catch (err) {
        this.destroy(err as Error);
      }
    },
  });
}
