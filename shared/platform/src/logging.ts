import pino, { type Logger } from 'pino';
import { currentCorrelationId } from './correlation';

export type { Logger };

/** Fields that must never reach a log line, wherever they appear. */
const REDACT = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'hmacSecret',
  'apiKey',
  'authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.hmacSecret',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  // The internal service token beside a SigV4 signature (functionUrlFetch).
  'req.headers["x-flowgenie-service-token"]',
  'headers["x-flowgenie-service-token"]',
];

/**
 * A pino logger for one service. Every line carries the service name and, inside a request or
 * event handler, the correlation id.
 *
 * @example
 * const logger = createLogger({ service: 'auth', level: 'info', format: 'pretty' });
 */
export function createLogger(opts: {
  service: string;
  level?: string;
  format?: 'json' | 'pretty';
}): Logger {
  return pino({
    level: opts.level ?? 'info',
    base: { service: opts.service },
    redact: { paths: REDACT, censor: '[redacted]' },
    mixin() {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlationId } : {};
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    transport:
      opts.format === 'pretty'
        ? {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          }
        : undefined,
  });
}
