import type { AppContext } from '../../context.js';
import { type ExtensionView, presentExtension } from '../extensions/extensions.presenter.js';
import type { UserWithExtension } from './users.queries.js';

export interface UserView {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  role: UserWithExtension['role'];
  status: UserWithExtension['status'];
  extension: ExtensionView | null;
  created_at: string;
  updated_at: string;
}

/** Allowlist: the password hash never leaves. */
export function presentUser(user: UserWithExtension, ctx: Pick<AppContext, 'config'>): UserView {
  return {
    id: user.id,
    organization_id: user.organization_id,
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.status,
    extension: user.extension ? presentExtension(user.extension, ctx) : null,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}
