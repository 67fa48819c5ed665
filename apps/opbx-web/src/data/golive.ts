import { api } from '@opbx/client';

/** Going live: the Cloudonix connection, its verification and the call-path tester (server routes beyond the spec). */

export interface CloudonixSettings {
  domain_uuid: string;
  domain_name: string;
  webhook_base_url: string;
  requests_key_set: boolean;
  /** Owners only. */
  requests_key_last4?: string;
  /** Only in the answer that generated the key. */
  requests_key?: string;
  voice_url: string;
  session_update_url: string;
  cdr_url: string;
  updated_at: string;
}

export interface CloudonixInput {
  domain_uuid: string;
  domain_name: string;
  webhook_base_url: string;
  requests_key?: string;
}

export interface VerifyCheck {
  id: string;
  label: string;
  status: 'ok' | 'warning' | 'failed';
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  checks: VerifyCheck[];
  checked_at: string;
}

export interface CallPathStep {
  kind: 'number' | 'caller' | 'business_hours' | 'ring_group' | 'ring' | 'voicemail' | 'hangup';
  label: string;
  detail?: string;
}

export interface CallPathResult {
  direction: 'inbound' | 'outbound';
  at: string;
  timezone: string;
  steps: CallPathStep[];
  summary: string;
  ends_with: 'voicemail' | 'hangup';
}

export const goLiveService = {
  /** null when the organization has not connected Cloudonix yet (the server answers 404). */
  cloudonix: (): Promise<CloudonixSettings | null> =>
    api
      .get<CloudonixSettings>('/settings/cloudonix', { validateStatus: (s) => s === 200 || s === 404 })
      .then((r) => (r.status === 404 ? null : r.data)),
  saveCloudonix: (body: CloudonixInput): Promise<CloudonixSettings> => api.put<CloudonixSettings>('/settings/cloudonix', body).then((r) => r.data),
  verifyCloudonix: (): Promise<VerifyResult> => api.post<VerifyResult>('/settings/cloudonix/verify', {}).then((r) => r.data),
  callPath: (body: { from?: string; to: string; at?: string }): Promise<CallPathResult> => api.post<CallPathResult>('/call-path', body).then((r) => r.data),
};
