import path from 'node:path';
import { z } from 'zod';
import { baseEnv, envBool, httpEnv, loadConfig as loadPlatformConfig } from '@flowgenie/platform';

/** The repository root (local/gateway/src -> ../../..), home of web/dist. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const MAX_BODY = 10 * 1024 * 1024;

export const GatewayConfigSchema = z.object({
  ...baseEnv,
  ...httpEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  /** Upstream services (HTTPS with the dev CA locally). */
  AUTH_URL: z.url().default('https://127.0.0.1:3001'),
  CATALOG_URL: z.url().default('https://127.0.0.1:3002'),
  TRIGGER_URL: z.url().default('https://127.0.0.1:3003'),
  EXECUTION_URL: z.url().default('https://127.0.0.1:3004'),
  /** The executor worker; never routed, only asked for its readiness. Empty = not checked. */
  EXECUTOR_URL: z.union([z.url(), z.literal('')]).default('https://127.0.0.1:3005'),
  /** PEM file of the CA that signed the upstreams' certificates (else Node's store + NODE_EXTRA_CA_CERTS). */
  UPSTREAM_CA_FILE: z.string().optional(),
  /** Time to wait for an upstream's response headers (a webhook in respond mode may wait 30 s). */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** Request body limit of `/hooks/*`; every other path uses BODY_LIMIT_BYTES. */
  HOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(MAX_BODY)
    .default(1024 * 1024),
  /** The built SPA; `/` explains how to build it when index.html is missing. */
  WEB_DIST_DIR: z.string().default(path.join(REPO_ROOT, 'web', 'dist')),
  /**
   * Send Strict-Transport-Security. Off by default locally: browsers remember HSTS for
   * `localhost` across ports and would then refuse every other plain-HTTP dev server there.
   */
  GATEWAY_HSTS: envBool.default(false),
});

export type GatewayConfig = Readonly<z.infer<typeof GatewayConfigSchema>>;

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  return loadPlatformConfig(GatewayConfigSchema, env);
}
