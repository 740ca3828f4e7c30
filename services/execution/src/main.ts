import { createLogger, onShutdown } from '@flowgenie/platform';
import { compose } from './compose';
import { loadConfig } from './config';

/** The execution API + 'execution' event consumer: `tsx services/execution/src/main.ts`. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ service: 'execution', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const service = await compose(config, { logger });
  const server = await service.start();
  logger.info({ url: server.url }, 'listening');
  onShutdown(logger, service.stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
