import { countRows, type ErrorRenderer, nowIso } from '@opbx/platform';
import { type ApiListResponse, type ApiResponse, DEFAULT_LIMIT, type ListQuery, type PaginationMeta } from '@warp/contract';
import type { FastifyRequest } from 'fastify';
import type { SelectQueryBuilder } from 'kysely';

/** WARP's error body: `{code, message, details, requestId}` at the top level, `details` always a list. */
export const warpErrorBody: ErrorRenderer = (request, code, message, details) => ({
  code,
  message,
  details: details ?? [],
  requestId: String(request.id),
});

const meta = (request: FastifyRequest) => ({ requestId: String(request.id), timestamp: nowIso() });

/** `{data, meta}` around one resource. */
export const ok = <T>(request: FastifyRequest, data: T): ApiResponse<T> => ({ data, meta: meta(request) });

export const listOf = <T>(request: FastifyRequest, data: T[], pagination: PaginationMeta): ApiListResponse<T> => ({
  data,
  meta: { ...meta(request), pagination },
});

/** One page of a filtered query (offset paging; the lists here are per customer and small). */
export async function paginate<Row>(
  query: SelectQueryBuilder<any, any, Row>,
  params: ListQuery,
  order: (q: SelectQueryBuilder<any, any, Row>) => SelectQueryBuilder<any, any, Row>,
): Promise<{ rows: Row[]; pagination: PaginationMeta }> {
  const perPage = params.limit ?? DEFAULT_LIMIT;
  const page = params.page ?? 1;
  const [rows, total] = await Promise.all([
    order(query)
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    countRows(query),
  ]);
  return { rows, pagination: { page, perPage, total, totalPages: Math.max(1, Math.ceil(total / perPage)) } };
}
