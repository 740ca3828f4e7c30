const SENSITIVE_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|access[-_]?token|refresh[-_]?token|token|password|secret|client[-_]?secret)$/i;
export const REDACTED = '[redacted]';

/**
 * A copy of a step's resolved config fit for storing as its input: fields the node type marks
 * secret (`x-secret` in its JSON Schema) and values under credential-like keys (Authorization
 * headers, tokens, passwords) are replaced, so a step's history never shows a secret.
 */
export function redactInput(
  config: Record<string, unknown>,
  configSchema: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const props = (configSchema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] =
      props[key]?.['x-secret'] === true && value !== undefined ? REDACTED : redactDeep(value, key);
  }
  return out;
}

function redactDeep(value: unknown, key: string): unknown {
  if (SENSITIVE_KEY.test(key) && value !== undefined && value !== null && value !== '')
    return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, ''));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, k)]));
  }
  return value;
}
