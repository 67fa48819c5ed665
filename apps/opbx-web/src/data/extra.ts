import { api, type Extension, type Organization, type PaginatedResponse } from '@opbx/client';

/**
 * Endpoints the server offers beyond the spec's service files. They go through the same axios
 * instance as the services, so the bearer token and the 401 handling apply to them too.
 */

export interface ClientConfig {
  websocket: { key: string; port: number };
}

/** The organization as the server presents it: also its country (ISO 3166-1), what "national" means for it. */
export type OrganizationView = Organization & { country?: string };

export interface CallVolumeBucket {
  bucket: string;
  label: string;
  total: number;
  answered: number;
  missed: number;
}

export interface CallVolume {
  period: 'day' | 'week' | 'month';
  timezone: string;
  data: CallVolumeBucket[];
}

export interface Voicemail {
  id: string;
  extension_id: string;
  call_id: string;
  from_number: string;
  recording_url: string | null;
  duration: number | null;
  created_at: string;
}

/** The extension with its new SIP password: the only response that ever carries it. */
export type ExtensionWithPassword = Extension & { sip_config: { username?: string; domain?: string; password: string } };

export const extraService = {
  clientConfig: (): Promise<ClientConfig> => api.get<ClientConfig>('/client-config').then((r) => r.data),
  callVolume: (period: CallVolume['period']): Promise<CallVolume> => api.get<CallVolume>('/dashboard/call-volume', { params: { period } }).then((r) => r.data),
  organization: (): Promise<OrganizationView> => api.get<OrganizationView>('/organization').then((r) => r.data),
  updateOrganization: (body: { name?: string; timezone?: string; settings?: Record<string, unknown> }): Promise<OrganizationView> =>
    api.patch<OrganizationView>('/organization', body).then((r) => r.data),
  resetSipPassword: (id: string): Promise<ExtensionWithPassword> => api.post<ExtensionWithPassword>(`/extensions/${id}/reset-sip-password`).then((r) => r.data),
  voicemails: (id: string, page: number): Promise<PaginatedResponse<Voicemail>> =>
    api.get<PaginatedResponse<Voicemail>>(`/extensions/${id}/voicemails`, { params: { page, per_page: 10 } }).then((r) => r.data),
};

/** Every page of a list (pickers need the whole set); a small company has at most a few hundred. */
export async function fetchAll<T>(fetchPage: (params: { page: number; per_page: number }) => Promise<PaginatedResponse<T>>, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const res = await fetchPage({ page, per_page: 100 });
    out.push(...res.data);
    if (page >= res.meta.last_page) break;
  }
  return out;
}
