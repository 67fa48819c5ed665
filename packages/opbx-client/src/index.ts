/** @opbx/client: the OPBX frontend service layer (opbx-service-interface.md), for browsers and Node. */
export type { ApiOptions, UnauthorizedHandler } from './api.js';
export { default as api, configureApi, DEFAULT_API_BASE_URL, setUnauthorizedHandler } from './api.js';
export { authService } from './services/auth.service.js';
export { businessHoursService } from './services/businessHours.service.js';
export { callLogsService } from './services/callLogs.service.js';
export { dashboardService } from './services/dashboard.service.js';
export { didsService } from './services/dids.service.js';
export { extensionsService } from './services/extensions.service.js';
export { ringGroupsService } from './services/ringGroups.service.js';
export { usersService } from './services/users.service.js';
export type { WebsocketOptions } from './services/websocket.service.js';
export { configureWebsocket, createEchoInstance, WebSocketService, websocketService } from './services/websocket.service.js';
export { storage } from './storage.js';
export * from './types.js';
