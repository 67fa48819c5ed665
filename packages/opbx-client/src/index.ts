/** @opbx/client: the OPBX frontend service layer (opbx-service-interface.md), for browsers and Node. */
export * from './types.js';
export { default as api, configureApi, setUnauthorizedHandler, DEFAULT_API_BASE_URL } from './api.js';
export type { ApiOptions, UnauthorizedHandler } from './api.js';
export { storage } from './storage.js';
export { authService } from './services/auth.service.js';
export { usersService } from './services/users.service.js';
export { extensionsService } from './services/extensions.service.js';
export { didsService } from './services/dids.service.js';
export { ringGroupsService } from './services/ringGroups.service.js';
export { businessHoursService } from './services/businessHours.service.js';
export { callLogsService } from './services/callLogs.service.js';
export { dashboardService } from './services/dashboard.service.js';
export { createEchoInstance, configureWebsocket, WebSocketService, websocketService } from './services/websocket.service.js';
export type { WebsocketOptions } from './services/websocket.service.js';
