import { ApiClient } from './api-client';

/** The one client the app uses (same origin as the gateway: no base URL, no CORS). */
export const api = new ApiClient();
