import { Readable } from 'node:stream';

import type { CallLogRow } from '../call-records/calls.ingest.js';

export const CSV_COLUMNS = [
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
] as const;

/**
 * RFC 4180 cell. Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a
 * leading apostrophe — except plain phone numbers like +15551234567, which stay usable.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^\+\d{1,15}$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export type CsvRow = Pick<CallLogRow, (typeof CSV_COLUMNS)[number]>;

export const csvRow = (row: CsvRow): string => CSV_COLUMNS.map((c) => csvCell(row[c])).join(',') + '\r\n';

/**
 * Streams rows page by page (keyset, so each page is an index seek): memory stays flat however
 * many rows match, and the client's back-pressure pauses the database reads.
 */
export function csvStream(fetchPage: (after: { created_at: string; id: string } | undefined) => Promise<CsvRow[]>): Readable {
  let after: { created_at: string; id: string } | undefined;
  let headerSent = false;
  let done = false;
  return new Readable({
    async read() {
      try {
        if (!headerSent) {
          headerSent = true;
          this.push(CSV_COLUMNS.join(',') + '\r\n');
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
        this.push(rows.map(csvRow).join(''));
      } catch (err) {
        this.destroy(err as Error);
      }
    },
  });
}
