import api from '../api.js';
import type { DashboardStats, LiveCall, RecentCall } from '../types.js';

export type { RecentCall } from '../types.js';

export const dashboardService = {
  /**
   * Get dashboard statistics
   * GET /dashboard/stats
   */
  getStats: (): Promise<DashboardStats> => {
    return api.get<DashboardStats>('/dashboard/stats').then((res) => res.data);
  },

  /**
   * Get recent calls for dashboard
   * GET /dashboard/recent-calls
   */
  getRecentCalls: (limit?: number): Promise<{ data: RecentCall[] }> => {
    return api
      .get<{ data: RecentCall[] }>('/dashboard/recent-calls', {
        params: { limit: limit || 10 },
      })
      .then((res) => res.data);
  },

  /**
   * Get live active calls
   * GET /dashboard/live-calls
   */
  getLiveCalls: (): Promise<{ data: LiveCall[] }> => {
    return api.get<{ data: LiveCall[] }>('/dashboard/live-calls').then((res) => res.data);
  },
};
