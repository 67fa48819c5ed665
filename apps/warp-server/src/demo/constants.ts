/** Demo logins printed by `serve --demo` and listed in the README. */
export const DEMO_STAFF = { email: 'admin@warp.local', password: 'warp-admin-2026' } as const;
export const DEMO_CUSTOMER = { name: 'Acme Telecom', email: 'ops@acme-telecom.example', password: 'acme-demo-2026' } as const;
