import api from '../api.js';
import type { LoginRequest, LoginResponse, RefreshResponse, User } from '../types.js';

export type { LoginRequest, LoginResponse, RefreshResponse } from '../types.js';

export const authService = {
  /**
   * Login user with email and password
   * POST /auth/login
   */
  login: (credentials: LoginRequest): Promise<LoginResponse> => {
    return api.post<LoginResponse>('/auth/login', credentials).then((res) => res.data);
  },

  /**
   * Logout current user (revoke token)
   * POST /auth/logout
   */
  logout: (): Promise<void> => {
    return api.post('/auth/logout').then(() => undefined);
  },

  /**
   * Refresh access token (the presented token is revoked)
   * POST /auth/refresh
   */
  refresh: (): Promise<RefreshResponse> => {
    return api.post<RefreshResponse>('/auth/refresh').then((res) => res.data);
  },

  /**
   * Get current authenticated user
   * GET /auth/me
   */
  me: (): Promise<User> => {
    return api.get<User>('/auth/me').then((res) => res.data);
  },
};
