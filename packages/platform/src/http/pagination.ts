import { type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';

import { invalidField } from '../errors.js';

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

/** Query-string fields every list accepts. Combine with a list's own filters via `.extend`. */
export const paginationQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
  per_page: z.coerce.number().int().min(1).max(MAX_PER_PAGE).optional(),
  cursor: z.string().min(1).max(512).optional(),
});
type PaginationQuery = z.infer<typeof paginationQuery>;

interface PageMeta {
  current_page: number;
  per_page: number;
  total: number;
  last_page: number;
  from: number;
  to: number;
  next_cursor: string | null;
  has_more: boolean;
}

export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

interface SortSpec {
  /** Qualified column of the sort key, e.g. `extensions.extension_number`. */
  column: string;
  /** Qualified id column, the tiebreak that makes the order total. */
  idColumn: string;
  direction: 'asc' | 'desc';
}

/** Opaque cursor: the last row's sort key and id, plus its position so meta stays meaningful. */
interface CursorState {
  v: string | number | null;
  id: string;
  o: number;
  /** The total counted for the first page, reused so deep pages never count again. */
  t?: number;
}

const encodeCursor = (c: CursorState) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string): CursorState {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as CursorState;
    const totalOk = c.t === undefined || (Number.isInteger(c.t) && c.t >= 0);
    const clean = (v: unknown) => typeof v !== 'string' || (v.length <= 200 && !v.includes('\u0000'));
    if (!clean(c.v) || !clean(c.id)) throw new Error('bad cursor');
    if (typeof c.id === 'string' && Number.isInteger(c.o) && c.o >= 0 && ['string', 'number'].includes(typeof c.v) && totalOk) return c;
  } catch {
    // fall through
  }
  throw invalidField('cursor', 'The cursor is malformed or expired');
}

/**
 * Page (offset) or cursor (keyset) pagination over a filtered query. Cursor requests never
 * scan skipped rows: they seek on (sort key, id), which the list's index serves.
 * `rowsOf` runs the select; `count` the total for the same filters.
 */
export async function paginate<Row extends Record<string, unknown>>(
  query: SelectQueryBuilder<any, any, Row>,
  params: PaginationQuery,
  sort: SortSpec,
  count: () => Promise<number>,
): Promise<Page<Row>> {
  const perPage = params.per_page ?? DEFAULT_PER_PAGE;
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  const op = sort.direction === 'asc' ? '>' : '<';
  let q = query.orderBy(sql.ref(sort.column), sort.direction).orderBy(sql.ref(sort.idColumn), sort.direction);
  let offset: number;
  if (cursor) {
    offset = cursor.o;
    q = q.where((eb) => eb(eb.refTuple(sort.column as any, sort.idColumn as any), op, eb.tuple(cursor.v as any, cursor.id)));
  } else {
    offset = ((params.page ?? 1) - 1) * perPage;
    if (offset > 0) q = q.offset(offset);
  }
  const [rows, total] = await Promise.all([q.limit(perPage + 1).execute(), cursor?.t !== undefined ? cursor.t : count()]);
  const hasMore = rows.length > perPage;
  const data = hasMore ? rows.slice(0, perPage) : rows;
  const last = data.at(-1);
  const sortKey = sort.column.split('.').pop()!;
  const nextCursor = hasMore && last ? encodeCursor({ v: last[sortKey] as string | number, id: String(last.id), o: offset + data.length, t: total }) : null;
  return {
    data,
    meta: {
      current_page: Math.floor(offset / perPage) + 1,
      per_page: perPage,
      total,
      last_page: Math.max(1, Math.ceil(total / perPage)),
      from: data.length ? offset + 1 : 0,
      to: offset + data.length,
      next_cursor: nextCursor,
      has_more: hasMore,
    },
  };
}
