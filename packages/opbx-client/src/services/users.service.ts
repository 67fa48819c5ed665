import api from '../api.js';
import type { CreateUserRequest, PaginatedResponse, UpdateUserRequest, User, UsersFilterParams } from '../types.js';

export type { CreateUserRequest, UpdateUserRequest, UsersFilterParams } from '../types.js';

export const usersService = {
  /**
   * Get all users (paginated, filtered)
   * GET /users
   */
  getAll: (params?: UsersFilterParams): Promise<PaginatedResponse<User>> => {
    return api.get<PaginatedResponse<User>>('/users', { params }).then((res) => res.data);
  },

  /**
   * Get user by ID
   * GET /users/:id
   */
  getById: (id: string): Promise<User> => {
    return api.get<User>(`/users/${id}`).then((res) => res.data);
  },

  /**
   * Create new user
   * POST /users
   */
  create: (data: CreateUserRequest): Promise<User> => {
    return api.post<User>('/users', data).then((res) => res.data);
  },

  /**
   * Update user
   * PATCH /users/:id
   */
  update: (id: string, data: UpdateUserRequest): Promise<User> => {
    return api.patch<User>(`/users/${id}`, data).then((res) => res.data);
  },

  /**
   * Delete user
   * DELETE /users/:id
   */
  delete: (id: string): Promise<void> => {
    return api.delete(`/users/${id}`).then(() => undefined);
  },
};
