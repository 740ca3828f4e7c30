import { createLogger, onShutdown } from '@flowgenie/platform';
import { composeWorker } from './compose-worker';
import { loadConfig } from './config';

/** The executor (steps worker): `tsx services/execution/src/main.worker.ts`. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ service: 'executor', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const executor = await composeWorker(config, { logger });
  const server = await executor.start();
  logger.info({ url: server?.url }, 'listening');
  // Steps in flight finish before exit (a step's time limit bounds the wait; default 30 s).
  onShutdown(logger, () => executor.stop(), 60_000);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
