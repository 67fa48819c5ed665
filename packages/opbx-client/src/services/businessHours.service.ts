import api from '../api.js';
import type { BusinessHours, CreateBusinessHoursRequest, UpdateBusinessHoursRequest } from '../types.js';

export type { CreateBusinessHoursRequest, UpdateBusinessHoursRequest } from '../types.js';

export const businessHoursService = {
  /**
   * Get all business hours (no pagination for now)
   * GET /business-hours
   */
  getAll: (): Promise<{ data: BusinessHours[] }> => {
    return api.get<{ data: BusinessHours[] }>('/business-hours').then((res) => res.data);
  },

  /**
   * Get business hours by ID
   * GET /business-hours/:id
   */
  getById: (id: string): Promise<BusinessHours> => {
    return api.get<BusinessHours>(`/business-hours/${id}`).then((res) => res.data);
  },

  /**
   * Create new business hours
   * POST /business-hours
   */
  create: (data: CreateBusinessHoursRequest): Promise<BusinessHours> => {
    return api.post<BusinessHours>('/business-hours', data).then((res) => res.data);
  },

  /**
   * Update business hours
   * PATCH /business-hours/:id
   */
  update: (id: string, data: UpdateBusinessHoursRequest): Promise<BusinessHours> => {
    return api.patch<BusinessHours>(`/business-hours/${id}`, data).then((res) => res.data);
  },

  /**
   * Delete business hours
   * DELETE /business-hours/:id
   */
  delete: (id: string): Promise<void> => {
    return api.delete(`/business-hours/${id}`).then(() => undefined);
  },
};
