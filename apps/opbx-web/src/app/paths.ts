/** Route paths in one place, so links and the router cannot drift apart. */
export const paths = {
  login: '/login',
  dashboard: '/',
  users: '/users',
  extensions: '/extensions',
  extension: (id: string) => `/extensions/${id}`,
  phoneNumbers: '/phone-numbers',
  ringGroups: '/ring-groups',
  ringGroupNew: '/ring-groups/new',
  ringGroup: (id: string) => `/ring-groups/${id}`,
  businessHours: '/business-hours',
  businessHoursNew: '/business-hours/new',
  businessHoursOne: (id: string) => `/business-hours/${id}`,
  callLogs: '/call-logs',
  settings: '/settings',
  cloudonix: '/cloudonix',
  callPath: '/call-path',
  profile: '/profile',
  directory: '/directory',
} as const;

/** Only same-app paths are followed after sign-in (no open redirects). */
export function safeReturnPath(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.startsWith(paths.login)) return paths.dashboard;
  return value;
}
