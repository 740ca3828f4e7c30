import { createLogger, onShutdown } from '@flowgenie/platform';
import { compose } from './compose';
import { loadTriggerConfig } from './config';

async function main(): Promise<void> {
  const config = loadTriggerConfig(process.env);
  const logger = createLogger({ service: 'trigger', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const service = await compose(config, { logger });
  const { url } = await service.start();
  logger.info({ url }, 'listening');
  onShutdown(logger, service.stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
