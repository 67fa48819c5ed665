import api from '../api.js';
import type { CreateExtensionRequest, Extension, ExtensionsFilterParams, PaginatedResponse, UpdateExtensionRequest } from '../types.js';

export type { CreateExtensionRequest, ExtensionsFilterParams, UpdateExtensionRequest } from '../types.js';

export const extensionsService = {
  /**
   * Get all extensions (paginated, filtered)
   * GET /extensions
   */
  getAll: (params?: ExtensionsFilterParams): Promise<PaginatedResponse<Extension>> => {
    return api.get<PaginatedResponse<Extension>>('/extensions', { params }).then((res) => res.data);
  },

  /**
   * Get extension by ID
   * GET /extensions/:id
   */
  getById: (id: string): Promise<Extension> => {
    return api.get<Extension>(`/extensions/${id}`).then((res) => res.data);
  },

  /**
   * Create new extension
   * POST /extensions
   */
  create: (data: CreateExtensionRequest): Promise<Extension> => {
    return api.post<Extension>('/extensions', data).then((res) => res.data);
  },

  /**
   * Update extension
   * PATCH /extensions/:id
   */
  update: (id: string, data: UpdateExtensionRequest): Promise<Extension> => {
    return api.patch<Extension>(`/extensions/${id}`, data).then((res) => res.data);
  },

  /**
   * Delete extension
   * DELETE /extensions/:id
   */
  delete: (id: string): Promise<void> => {
    return api.delete(`/extensions/${id}`).then(() => undefined);
  },
};
