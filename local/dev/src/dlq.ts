import { consumerNames, type ConsumerName } from '@flowgenie/contracts';
import { type DeadLetter } from '@flowgenie/messaging';
import { LocalDeadLetterStore } from '@flowgenie/messaging/local';
import { createRedis } from '@flowgenie/platform';
import { checkoutSettings } from './checkout';

const USAGE = `usage:
  npm run dlq -- list <consumer> [--limit N] [--json]
  npm run dlq -- replay <consumer> <id>
consumers: ${consumerNames.join(', ')}
environment: REDIS_URL (default redis://127.0.0.1:6379), REDIS_PREFIX (default fg-<checkout id>, as npm start uses)`;

export class UsageError extends Error {}

function consumerArg(value: string | undefined): ConsumerName {
  if (!value) throw new UsageError('missing <consumer>');
  if (!(consumerNames as string[]).includes(value))
    throw new UsageError(`unknown consumer "${value}"`);
  return value as ConsumerName;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A fixed-width table of dead letters, newest first. */
export function formatDeadLetters(letters: DeadLetter[]): string {
  if (letters.length === 0) return 'no dead letters';
  const rows = letters.map((l) => [
    l.id,
    l.event?.type ?? '?',
    l.failedAt,
    String(l.attempts),
    clip((l.error ?? '').replace(/\s+/g, ' '), 80),
  ]);
  const head = ['ID', 'TYPE', 'FAILED AT', 'ATTEMPTS', 'ERROR'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/**
 * Runs one dead-letter command against a store; returns the text to print and the exit code.
 *
 * @example
 * await runDlqCommand(['list', 'execution'], store); // { code: 0, output: 'ID  TYPE …' }
 */
export async function runDlqCommand(
  args: string[],
  store: LocalDeadLetterStore,
): Promise<{ code: number; output: string }> {
  const [command, ...rest] = args;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const positional = rest.filter((a, i) => !a.startsWith('--') && rest[i - 1] !== '--limit');
  switch (command) {
    case 'list': {
      const consumer = consumerArg(positional[0]);
      const limitAt = rest.indexOf('--limit');
      const limit = limitAt >= 0 ? Number(rest[limitAt + 1]) : 100;
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError('--limit must be a positive integer');
      const letters = await store.list(consumer, { limit });
      return {
        code: 0,
        output: flags.has('--json') ? JSON.stringify(letters, null, 2) : formatDeadLetters(letters),
      };
    }
    case 'replay': {
      const consumer = consumerArg(positional[0]);
      const id = positional[1];
      if (!id) throw new UsageError('missing <id> (see `npm run dlq -- list <consumer>`)');
      const replayed = await store.replay(consumer, id);
      return replayed
        ? { code: 0, output: `replayed ${id}: it is back on the ${consumer} queue` }
        : { code: 1, output: `no dead letter ${id} for ${consumer}` };
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return args.length === 0 ? 1 : 0;
  }
  const settings = checkoutSettings(process.env);
  const redis = createRedis(settings.redisUrl);
  const store = new LocalDeadLetterStore({
    connection: redis,
    prefix: settings.redisPrefix,
  });
  try {
    const { code, output } = await runDlqCommand(args, store);
    console.log(output);
    return code;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  } finally {
    await store.close();
    redis.disconnect();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
