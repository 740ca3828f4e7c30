/** Build-time variables of the web app (public: they end up in its JavaScript). */
interface ImportMetaEnv {
  /**
   * Base URL of live execution streams when they are not served by the API's origin (on AWS, the
   * stream function's URL). Unset: `/api/executions/{id}/stream` on the app's origin.
   */
  readonly VITE_STREAM_URL?: string;
}
