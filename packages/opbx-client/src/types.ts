/**
 * Every type of the OPBX service interface spec (opbx-service-interface.md), in one place.
 * The service files re-export the request types they take, as the spec lays them out.
 */

// ---------------------------------------------------------------- base types

export interface PaginatedResponse<T> {
  data: T[];
  meta: {
    current_page: number;
    per_page: number;
    total: number;
    last_page: number;
    from: number;
    to: number;
    next_cursor?: string | null;
    has_more: boolean;
  };
}

export interface PaginationParams {
  page?: number;
  per_page?: number;
  cursor?: string;
}

/** The error envelope every non-2xx response carries. */
export interface APIError {
  error: {
    code: string;
    message: string;
    details?: Array<{
      field: string;
      message: string;
    }>;
    request_id?: string;
    documentation_url?: string;
  };
}

export type Status = 'active' | 'inactive';

export type UserRole = 'owner' | 'admin' | 'agent';

export type ExtensionType = 'user' | 'virtual' | 'queue';

export type CallStatus = 'initiated' | 'ringing' | 'answered' | 'completed' | 'failed' | 'busy' | 'no_answer';

export type CallDirection = 'inbound' | 'outbound';

export type RingGroupStrategy = 'simultaneous' | 'round_robin' | 'sequential';

export type RoutingType = 'extension' | 'ring_group' | 'business_hours' | 'voicemail';

// ---------------------------------------------------------------- entity types

export interface Organization {
  id: string;
  name: string;
  status: Status;
  timezone: string;
  settings: {
    default_caller_id?: string;
    voicemail_enabled?: boolean;
    recording_enabled?: boolean;
  };
  created_at: string;
  updated_at: string;
}

export interface User {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  role: UserRole;
  status: Status;
  extension?: Extension | null;
  created_at: string;
  updated_at: string;
}

export interface Extension {
  id: string;
  organization_id: string;
  user_id: string | null;
  extension_number: string;
  type: ExtensionType;
  status: Status;
  sip_config?: {
    username?: string;
    domain?: string;
  };
  voicemail_enabled: boolean;
  call_forwarding?: {
    enabled: boolean;
    destination?: string;
    on_no_answer?: boolean;
  } | null;
  created_at: string;
  updated_at: string;
}

export interface DIDNumber {
  id: string;
  organization_id: string;
  phone_number: string;
  friendly_name?: string;
  routing_type: RoutingType;
  routing_config: {
    extension_id?: string;
    ring_group_id?: string;
    business_hours_id?: string;
    fallback_extension_id?: string;
    voicemail_greeting?: string;
  };
  status: Status;
  cloudonix_config?: {
    dnid?: string;
    voice_application_id?: string;
  };
  created_at: string;
  updated_at: string;
}

export interface RingGroup {
  id: string;
  organization_id: string;
  name: string;
  strategy: RingGroupStrategy;
  /** seconds */
  timeout: number;
  members: Array<{
    extension_id: string;
    priority: number;
  }>;
  fallback_action?: {
    type: 'voicemail' | 'extension' | 'hangup';
    extension_id?: string;
  };
  status: Status;
  created_at: string;
  updated_at: string;
}

export interface BusinessHours {
  id: string;
  organization_id: string;
  name: string;
  timezone: string;
  schedules: Array<{
    /** 0 = Sunday … 6 = Saturday */
    day_of_week: number;
    /** "09:00" */
    open_time: string;
    /** "17:00" */
    close_time: string;
  }>;
  holidays: Array<{
    date: string;
    name: string;
  }>;
  open_hours_routing: {
    type: 'extension' | 'ring_group';
    extension_id?: string;
    ring_group_id?: string;
  };
  closed_hours_routing: {
    type: 'voicemail' | 'extension' | 'ring_group' | 'hangup';
    extension_id?: string;
    ring_group_id?: string;
  };
  created_at: string;
  updated_at: string;
}

export interface CallLog {
  id: string;
  organization_id: string;
  /** Cloudonix call session ID */
  call_id: string;
  direction: CallDirection;
  from_number: string;
  to_number: string;
  did_id: string | null;
  extension_id: string | null;
  ring_group_id: string | null;
  status: CallStatus;
  answer_time: string | null;
  end_time: string | null;
  /** seconds */
  duration: number | null;
  recording_url: string | null;
  cloudonix_cdr?: Record<string, any>;
  created_at: string;
  updated_at: string;
}

export interface DashboardStats {
  active_calls: number;
  total_extensions: number;
  total_dids: number;
  calls_today: number;
  calls_this_week: number;
  calls_this_month: number;
  /** seconds */
  average_call_duration: number;
}

export interface LiveCall {
  call_id: string;
  from_number: string;
  to_number: string;
  did_number?: string;
  did_id?: string;
  extension_number?: string;
  extension_id?: string;
  ring_group_name?: string;
  ring_group_id?: string;
  status: CallStatus;
  /** seconds */
  duration: number;
  started_at: string;
}

// ---------------------------------------------------------------- auth

export interface LoginRequest {
  email: string;
  password: string;
}

export interface LoginResponse {
  access_token: string;
  token_type: 'Bearer';
  /** seconds */
  expires_in: number;
  user: User;
}

export interface RefreshResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

// ---------------------------------------------------------------- users

export interface CreateUserRequest {
  name: string;
  email: string;
  password: string;
  role: UserRole;
  status?: Status;
  /** Auto-create an extension for the user. */
  extension_number?: string;
}

export interface UpdateUserRequest {
  name?: string;
  email?: string;
  password?: string;
  role?: UserRole;
  status?: Status;
}

export interface UsersFilterParams extends PaginationParams {
  role?: UserRole;
  status?: Status;
  search?: string;
}

// ---------------------------------------------------------------- extensions

export interface CreateExtensionRequest {
  extension_number: string;
  type: ExtensionType;
  user_id?: string;
  status?: Status;
  sip_config?: {
    username?: string;
    domain?: string;
    password?: string;
  };
  voicemail_enabled?: boolean;
  call_forwarding?: {
    enabled: boolean;
    destination?: string;
    on_no_answer?: boolean;
  };
}

export interface UpdateExtensionRequest {
  extension_number?: string;
  status?: Status;
  sip_config?: {
    username?: string;
    domain?: string;
    password?: string;
  };
  voicemail_enabled?: boolean;
  call_forwarding?: {
    enabled: boolean;
    destination?: string;
    on_no_answer?: boolean;
  };
}

export interface ExtensionsFilterParams extends PaginationParams {
  type?: ExtensionType;
  status?: Status;
  search?: string;
}

// ---------------------------------------------------------------- DIDs

export interface CreateDIDRequest {
  phone_number: string;
  friendly_name?: string;
  routing_type: RoutingType;
  routing_config: {
    extension_id?: string;
    ring_group_id?: string;
    business_hours_id?: string;
    fallback_extension_id?: string;
    voicemail_greeting?: string;
  };
  status?: Status;
}

export interface UpdateDIDRequest {
  friendly_name?: string;
  routing_type?: RoutingType;
  routing_config?: {
    extension_id?: string;
    ring_group_id?: string;
    business_hours_id?: string;
    fallback_extension_id?: string;
    voicemail_greeting?: string;
  };
  status?: Status;
}

export interface DIDsFilterParams extends PaginationParams {
  status?: Status;
  search?: string;
}

// ---------------------------------------------------------------- ring groups

export interface CreateRingGroupRequest {
  name: string;
  strategy: RingGroupStrategy;
  /** Default: 30 seconds */
  timeout?: number;
  members: Array<{
    extension_id: string;
    priority: number;
  }>;
  fallback_action?: {
    type: 'voicemail' | 'extension' | 'hangup';
    extension_id?: string;
  };
  status?: Status;
}

export interface UpdateRingGroupRequest {
  name?: string;
  strategy?: RingGroupStrategy;
  timeout?: number;
  members?: Array<{
    extension_id: string;
    priority: number;
  }>;
  fallback_action?: {
    type: 'voicemail' | 'extension' | 'hangup';
    extension_id?: string;
  };
  status?: Status;
}

export interface RingGroupsFilterParams extends PaginationParams {
  search?: string;
}

// ---------------------------------------------------------------- business hours

export interface CreateBusinessHoursRequest {
  name: string;
  timezone: string;
  schedules: Array<{
    day_of_week: number;
    open_time: string;
    close_time: string;
  }>;
  holidays?: Array<{
    date: string;
    name: string;
  }>;
  open_hours_routing: {
    type: 'extension' | 'ring_group';
    extension_id?: string;
    ring_group_id?: string;
  };
  closed_hours_routing: {
    type: 'voicemail' | 'extension' | 'ring_group' | 'hangup';
    extension_id?: string;
    ring_group_id?: string;
  };
}

export interface UpdateBusinessHoursRequest {
  name?: string;
  timezone?: string;
  schedules?: Array<{
    day_of_week: number;
    open_time: string;
    close_time: string;
  }>;
  holidays?: Array<{
    date: string;
    name: string;
  }>;
  open_hours_routing?: {
    type: 'extension' | 'ring_group';
    extension_id?: string;
    ring_group_id?: string;
  };
  closed_hours_routing?: {
    type: 'voicemail' | 'extension' | 'ring_group' | 'hangup';
    extension_id?: string;
    ring_group_id?: string;
  };
}

// ---------------------------------------------------------------- call logs

export interface CallLogsFilterParams extends PaginationParams {
  direction?: CallDirection;
  status?: CallStatus;
  /** ISO date string */
  from_date?: string;
  /** ISO date string */
  to_date?: string;
  extension_id?: string;
  did_id?: string;
  /** Phone number search */
  search?: string;
}

// ---------------------------------------------------------------- dashboard

export interface RecentCall {
  id: string;
  from_number: string;
  to_number: string;
  status: CallStatus;
  duration: number | null;
  created_at: string;
}

// ---------------------------------------------------------------- websocket events

export interface CallStartedEvent {
  call: LiveCall;
}

export interface CallUpdatedEvent {
  call: LiveCall;
}

export interface CallEndedEvent {
  call_id: string;
  call: CallLog;
}

export interface ExtensionStatusEvent {
  extension_id: string;
  status: 'idle' | 'ringing' | 'on_call' | 'offline';
  current_call_id?: string;
}
