/** The spec's channel names; one place so the server and its tests agree. */
export const callsChannel = (organizationId: string) => `private-organization.${organizationId}.calls`;
export const extensionsChannel = (organizationId: string) => `private-organization.${organizationId}.extensions`;
export const presenceChannel = (organizationId: string) => `presence-organization.${organizationId}`;
