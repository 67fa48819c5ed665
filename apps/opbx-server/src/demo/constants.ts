export const DEMO_LOGIN = { email: 'demo@opbx.local', password: 'demo1234' } as const;
/** The demo organization's Cloudonix requests key, so callsim can place calls against `npm start`. */
export const DEMO_CLOUDONIX = { domainUuid: 'demo-domain-uuid', domainName: 'demo.cloudonix.local', requestsKey: 'demo-requests-key-change-me' } as const;
