import api from '../api.js';
import type { CreateDIDRequest, DIDNumber, DIDsFilterParams, PaginatedResponse, UpdateDIDRequest } from '../types.js';

export type { CreateDIDRequest, DIDsFilterParams, UpdateDIDRequest } from '../types.js';

export const didsService = {
  /**
   * Get all DIDs (paginated, filtered)
   * GET /dids
   */
  getAll: (params?: DIDsFilterParams): Promise<PaginatedResponse<DIDNumber>> => {
    return api.get<PaginatedResponse<DIDNumber>>('/dids', { params }).then((res) => res.data);
  },

  /**
   * Get DID by ID
   * GET /dids/:id
   */
  getById: (id: string): Promise<DIDNumber> => {
    return api.get<DIDNumber>(`/dids/${id}`).then((res) => res.data);
  },

  /**
   * Create new DID
   * POST /dids
   */
  create: (data: CreateDIDRequest): Promise<DIDNumber> => {
    return api.post<DIDNumber>('/dids', data).then((res) => res.data);
  },

  /**
   * Update DID
   * PATCH /dids/:id
   */
  update: (id: string, data: UpdateDIDRequest): Promise<DIDNumber> => {
    return api.patch<DIDNumber>(`/dids/${id}`, data).then((res) => res.data);
  },

  /**
   * Delete DID
   * DELETE /dids/:id
   */
  delete: (id: string): Promise<void> => {
    return api.delete(`/dids/${id}`).then(() => undefined);
  },
};
