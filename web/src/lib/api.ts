import { ApiClient } from './api-client';

/**
 * The one client the app uses. The API is on the app's own origin (the local gateway, Amplify's
 * proxy): no base URL, no CORS. Live execution streams go to `VITE_STREAM_URL` when the build
 * sets it (on AWS, the stream function's URL, as API Gateway buffers responses).
 */
export const api = new ApiClient({ streamBaseUrl: import.meta.env.VITE_STREAM_URL });
