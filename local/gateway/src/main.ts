import { createLogger, onShutdown } from '@flowgenie/platform';
import { loadGatewayConfig } from './config';
import { createGateway } from './gateway';

const config = loadGatewayConfig(process.env);
const logger = createLogger({
  service: 'gateway',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const gateway = createGateway(config, { logger });
gateway.start().then(
  (running) => {
    logger.info({ url: running.url }, 'listening');
    onShutdown(logger, () => gateway.stop());
  },
  (err) => {
    logger.fatal({ err }, 'gateway failed to start');
    process.exit(1);
  },
);
