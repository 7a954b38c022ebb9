import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { clusterSeam } from './cluster/seam.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';

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
  const cluster = clusterSeam(config);
  const store = await cluster.openStore(logger);
  const circles = await cluster.openCircleStore();
  const app = await buildApp({ config, store, circles, logger, cluster });

  // One way out, whatever the cause: a signal (exit 0), or an uncaught exception or unhandled rejection
  // (exit 1). Either way people are told `server:shutdown` and the sockets, HTTP server and store are
  // closed; past SHUTDOWN_TIMEOUT_MS the process exits 1 anyway. A second signal or error exits at once.
  closeWithGrace(
    {
      delay: config.SHUTDOWN_TIMEOUT_MS,
      logger: false,
      onTimeout: (delay) =>
        logger.error({ event: 'shutdown_timeout', ms: delay }, 'shutdown took too long, exiting'),
      onSecondSignal: (signal) =>
        logger.error({ event: 'shutdown_forced', signal }, 'second signal, exiting'),
      onSecondError: (error) =>
        logger.fatal({ event: 'crash', ...describe(error), during: 'shutdown' }, 'second error, exiting'),
    },
    async ({ signal, err }) => {
      if (err) logger.fatal({ event: 'crash', ...describe(err) }, 'crashed: telling clients and closing');
      else logger.info({ event: 'shutdown', signal: signal ?? 'exit' }, 'shutting down');
      await app.close();
      logger.info({ event: 'stopped', exitCode: err ? 1 : 0 }, 'stopped');
    },
  );

  const address = await app.http.listen({ port: config.PORT, host: config.HOST });
  logger.info({ event: 'listening', address, store: store.kind }, 'Cercle is listening');
  if (app.metricsHttp && config.METRICS_PORT !== undefined) {
    const metricsAddress = await app.metricsHttp.listen({ port: config.METRICS_PORT, host: config.HOST });
    logger.info({ event: 'metrics_listening', address: metricsAddress }, 'metrics on their own port');
  }
}

/**
 * The error's class and where it was thrown: its message stays out, since it may quote stored data
 * (no user content in any log line). A rejection with something other than an Error gives its type.
 */
function describe(error: unknown): { error: string; frames?: string[] } {
  if (!(error instanceof Error)) return { error: typeof error };
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 10)
    .map((line) => line.trim());
  return { error: error.name, frames };
}

main().catch((error: unknown) => {
  process.stderr.write(`Cercle failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
