/** What the workflow sees as the trigger payload of a webhook call (`trigger` in expressions). */
export interface WebhookPayload {
  body: unknown;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  method: string;
}

/**
 * Headers never handed to the workflow: credentials of the caller and the signature itself.
 * A workflow's steps and logs are visible to its owner, not necessarily to whoever calls the hook.
 */
export const STRIPPED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-flowgenie-signature',
]);

export function payloadHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || STRIPPED_HEADERS.has(key)) continue;
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function payloadQuery(query: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!query || typeof query !== 'object') return out;
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value))
      out[key] = value.filter((v): v is string => typeof v === 'string');
  }
  return out;
}

export function buildWebhookPayload(req: {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: unknown;
  body: unknown;
}): WebhookPayload {
  return {
    body: req.body === undefined ? null : req.body,
    query: payloadQuery(req.query),
    headers: payloadHeaders(req.headers),
    method: req.method.toUpperCase(),
  };
}
