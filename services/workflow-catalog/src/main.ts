import { createLogger, onShutdown } from '@flowgenie/platform';
import { compose } from './compose';
import { loadCatalogConfig } from './config';

// The only file that reads process.env.
const config = loadCatalogConfig(process.env);
const logger = createLogger({ service: 'workflow-catalog', level: config.LOG_LEVEL, format: config.LOG_FORMAT });

compose(config, { logger })
  .then(async (catalog) => {
    onShutdown(logger, catalog.stop);
    const server = await catalog.start();
    logger.info({ url: server.url }, 'listening');
  })
  .catch((err) => {
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  });
