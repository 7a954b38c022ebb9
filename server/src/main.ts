import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { openCircleStore, openStore } from './openStore.js';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const store = await openStore(config, logger);
  const circles = await openCircleStore(config);
  const app = await buildApp({ config, store, circles, logger });
  const address = await app.http.listen({ port: config.PORT, host: config.HOST });
  logger.info({ event: 'listening', address, store: store.kind }, 'Cercle is listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ event: 'shutdown_timeout' }, 'shutdown took too long, exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    await app.close();
    logger.info({ event: 'stopped' }, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Cercle failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
