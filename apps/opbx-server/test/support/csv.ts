/**
 * A strict RFC 4180 reader for checking exports: CRLF record ends, quoted fields with doubled
 * quotes, commas and line breaks inside quotes. Throws on anything a spreadsheet would misread.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < n && text[i] !== ',' && text[i] !== '\r') throw new Error(`garbage after a quoted field at ${i}`);
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote in an unquoted field at ${i}`);
        field += text[i++];
      }
      if (text[i] === '\n') throw new Error(`bare LF at ${i} (records end with CRLF)`);
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`bare CR at ${i}`);
      i += 2;
    }
    records.push(record);
    record = [];
  }
  return records;
}

/** Rows as objects keyed by the header row. */
export function csvObjects(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header = [], ...rest] = parseCsv(text);
  for (const r of rest) if (r.length !== header.length) throw new Error(`row has ${r.length} fields, header ${header.length}: ${JSON.stringify(r)}`);
  return { header, rows: rest.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]!]))) };
}
