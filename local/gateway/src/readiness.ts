import https from 'node:https';
import http from 'node:http';
import type { ProxyTarget } from './proxy';

export interface UpstreamReadiness {
  status: 'ready' | 'not ready' | 'unreachable';
  checks?: Record<string, string>;
  error?: string;
}

/** Asks every upstream's `/readyz` (database, Redis…) at once; ready only when all are. */
export async function checkUpstreams(
  targets: ProxyTarget[],
  agent: https.Agent,
  timeoutMs = 3000,
): Promise<{ ready: boolean; upstreams: Record<string, UpstreamReadiness> }> {
  const entries = await Promise.all(
    targets.map(async (t) => [t.name, await checkOne(t, agent, timeoutMs)] as const),
  );
  return {
    ready: entries.every(([, r]) => r.status === 'ready'),
    upstreams: Object.fromEntries(entries),
  };
}

function checkOne(
  target: ProxyTarget,
  agent: https.Agent,
  timeoutMs: number,
): Promise<UpstreamReadiness> {
  return new Promise((resolve) => {
    const client = target.url.protocol === 'https:' ? https : http;
    const req = client.get(
      new URL('/readyz', target.url),
      { agent: target.url.protocol === 'https:' ? agent : undefined, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let checks: Record<string, string> | undefined;
          try {
            checks = (
              JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                checks?: Record<string, string>;
              }
            ).checks;
          } catch {
            checks = undefined;
          }
          resolve({
            status: res.statusCode === 200 ? 'ready' : 'not ready',
            ...(checks ? { checks } : {}),
          });
        });
        res.on('error', (err) => resolve({ status: 'unreachable', error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) =>
      resolve({ status: 'unreachable', error: (err as NodeJS.ErrnoException).code ?? err.message }),
    );
  });
}
