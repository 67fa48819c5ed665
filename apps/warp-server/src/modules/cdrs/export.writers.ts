import type { Cdr } from '@warp/contract';

/*
 * Streaming writers for CDR exports: each takes rows one at a time and yields text chunks, so a
 * million-row file is written in constant memory. The PDF writer emits a plain PDF 1.4 of
 * Helvetica text pages by hand (no library): it only needs each object's byte offset for the
 * cross-reference table, which it counts as it goes.
 */

export interface ExportWriter {
  contentType: string;
  encoding: 'utf8' | 'latin1';
  extension: string;
  head(): string;
  row(cdr: Cdr): string;
  tail(): string;
}

const COLUMNS = [
  'id',
  'call_id',
  'trunk_id',
  'ani',
  'dni',
  'direction',
  'zone',
  'started_at',
  'answered_at',
  'ended_at',
  'duration',
  'billable_seconds',
  'rate',
  'amount',
  'disposition',
] as const;

const csvCell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // quote when needed; a leading = + - @ would be a formula in a spreadsheet
  const safe = /^[=+\-@]/.test(s) && !/^[+-]?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function csvWriter(): ExportWriter {
  return {
    contentType: 'text/csv; charset=utf-8',
    encoding: 'utf8',
    extension: 'csv',
    head: () => `${COLUMNS.join(',')}\r\n`,
    row: (c) => `${COLUMNS.map((k) => csvCell(c[k])).join(',')}\r\n`,
    tail: () => '',
  };
}

export function jsonWriter(): ExportWriter {
  let first = true;
  return {
    contentType: 'application/json',
    encoding: 'utf8',
    extension: 'json',
    head: () => '{"data":[\n',
    row: (c) => {
      const out = `${first ? '' : ',\n'}${JSON.stringify(c)}`;
      first = false;
      return out;
    },
    tail: () => '\n]}\n',
  };
}

const LINES_PER_PAGE = 60;
const pdfText = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');

export function pdfWriter(title: string): ExportWriter {
  let offset = 0;
  const offsets: number[] = [];
  const pageIds: number[] = [];
  const FONT = 3;
  let nextId = 4; // 1 catalog, 2 pages tree, 3 the font; then per page its contents and the page
  let lines: string[] = [];
  const emit = (s: string) => {
    offset += Buffer.byteLength(s, 'latin1');
    return s;
  };
  const object = (id: number, body: string) => {
    offsets[id] = offset;
    return emit(`${id} 0 obj\n${body}\nendobj\n`);
  };
  const header = `${'Started (UTC)'.padEnd(25)}${'Call id'.padEnd(22)}${'From'.padEnd(16)}${'To'.padEnd(16)}${'Secs'.padStart(6)}${'Bill'.padStart(6)}${'Rate'.padStart(10)}${'Amount'.padStart(12)}  Disposition`;
  const flushPage = () => {
    if (!lines.length) return '';
    const content = [
      'BT /F1 7 Tf 9 TL 28 570 Td',
      `(${pdfText(title)}) Tj T*`,
      `(${pdfText(header)}) Tj T*`,
      ...lines.map((l) => `(${pdfText(l)}) Tj T*`),
      'ET',
    ].join('\n');
    const contentsId = nextId++;
    const pageId = nextId++;
    pageIds.push(pageId);
    lines = [];
    return (
      object(contentsId, `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`) +
      object(pageId, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 ${FONT} 0 R >> >> /Contents ${contentsId} 0 R >>`)
    );
  };
  return {
    contentType: 'application/pdf',
    encoding: 'latin1',
    extension: 'pdf',
    head: () => emit('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'),
    row: (c) => {
      lines.push(
        `${c.started_at.slice(0, 19).replace('T', ' ').padEnd(25)}${c.call_id.slice(0, 20).padEnd(22)}${c.ani.slice(0, 15).padEnd(16)}${c.dni.slice(0, 15).padEnd(16)}${String(c.duration).padStart(6)}${String(c.billable_seconds).padStart(6)}${(c.rate ?? '').padStart(10)}${c.amount.padStart(12)}  ${c.disposition}`,
      );
      return lines.length >= LINES_PER_PAGE ? flushPage() : '';
    },
    tail: () => {
      if (!pageIds.length && !lines.length) lines.push('No calls in this period.');
      let out = flushPage();
      out += object(FONT, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
      out += object(1, '<< /Type /Catalog /Pages 2 0 R >>');
      out += object(2, `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`);
      const xrefAt = offset;
      let xref = `xref\n0 ${nextId}\n0000000000 65535 f \n`;
      for (let id = 1; id < nextId; id++) xref += `${String(offsets[id] ?? 0).padStart(10, '0')} 00000 n \n`;
      out += emit(`${xref}trailer\n<< /Size ${nextId} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`);
      return out;
    },
  };
}
