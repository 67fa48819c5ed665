import api from '../api.js';
import type { CallLog, CallLogsFilterParams, PaginatedResponse } from '../types.js';

export type { CallLogsFilterParams } from '../types.js';

/**
 * Browsers hand back a Blob for `responseType: 'blob'`; Node's adapter hands back the body as a
 * string. Wrapping it keeps the spec's `Promise<Blob>` true everywhere.
 */
function asBlob(data: unknown, contentType: unknown): Blob {
  if (data instanceof Blob) return data;
  const type = typeof contentType === 'string' ? contentType : 'text/csv';
  const part = data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? (data as BlobPart) : String(data ?? '');
  return new Blob([part], { type });
}

export const callLogsService = {
  /**
   * Get all call logs (paginated, filtered)
   * GET /call-logs
   */
  getAll: (params?: CallLogsFilterParams): Promise<PaginatedResponse<CallLog>> => {
    return api.get<PaginatedResponse<CallLog>>('/call-logs', { params }).then((res) => res.data);
  },

  /**
   * Get call log by ID
   * GET /call-logs/:id
   */
  getById: (id: string): Promise<CallLog> => {
    return api.get<CallLog>(`/call-logs/${id}`).then((res) => res.data);
  },

  /**
   * Export call logs to CSV
   * GET /call-logs/export
   * Returns blob data for download
   */
  export: (params?: CallLogsFilterParams): Promise<Blob> => {
    return api
      .get('/call-logs/export', {
        params,
        responseType: 'blob',
      })
      .then((res) => asBlob(res.data, res.headers['content-type']));
  },
};
