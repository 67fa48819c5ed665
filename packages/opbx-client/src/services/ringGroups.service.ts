import api from '../api.js';
import type { CreateRingGroupRequest, PaginatedResponse, RingGroup, RingGroupsFilterParams, UpdateRingGroupRequest } from '../types.js';

export type { CreateRingGroupRequest, RingGroupsFilterParams, UpdateRingGroupRequest } from '../types.js';

export const ringGroupsService = {
  /**
   * Get all ring groups (paginated, filtered)
   * GET /ring-groups
   */
  getAll: (params?: RingGroupsFilterParams): Promise<PaginatedResponse<RingGroup>> => {
    return api.get<PaginatedResponse<RingGroup>>('/ring-groups', { params }).then((res) => res.data);
  },

  /**
   * Get ring group by ID
   * GET /ring-groups/:id
   */
  getById: (id: string): Promise<RingGroup> => {
    return api.get<RingGroup>(`/ring-groups/${id}`).then((res) => res.data);
  },

  /**
   * Create new ring group
   * POST /ring-groups
   */
  create: (data: CreateRingGroupRequest): Promise<RingGroup> => {
    return api.post<RingGroup>('/ring-groups', data).then((res) => res.data);
  },

  /**
   * Update ring group
   * PATCH /ring-groups/:id
   */
  update: (id: string, data: UpdateRingGroupRequest): Promise<RingGroup> => {
    return api.patch<RingGroup>(`/ring-groups/${id}`, data).then((res) => res.data);
  },

  /**
   * Delete ring group
   * DELETE /ring-groups/:id
   */
  delete: (id: string): Promise<void> => {
    return api.delete(`/ring-groups/${id}`).then(() => undefined);
  },
};
