import { installRedisCounter, redisBytes, redisCounts } from './redisCounter.js';
import { notify, serveRpc } from './rpc.js';
import { serverRpcHandlers } from './serverStats.js';

/**
 * The real Cercle server in its own process, as main.ts builds it (config from the environment, the
 * Redis store since REDIS_URL is set), plus an IPC channel for the bench's samples. The Redis counter is
 * installed before the store opens its connections.
 */
installRedisCounter();
const { buildApp } = await import('../../server/src/app.js');
const { loadConfig } = await import('../../server/src/config.js');
const { createLogger } = await import('../../server/src/log.js');
const { clusterSeam } = await import('../../server/src/cluster/seam.js');

const config = loadConfig(process.env);
const logger = createLogger(config.LOG_LEVEL);
const cluster = clusterSeam(config);
const store = await cluster.openStore(logger);
const app = await buildApp({ config, store, logger, cluster });
const url = await app.http.listen({ port: 0, host: '127.0.0.1' });

serveRpc({
  ...serverRpcHandlers(redisCounts, redisBytes),
  storeKind: () => store.kind,
  /** What this node's adapter published, received and dropped as its own echo (several nodes). */
  fanOut: () => app.fanOut?.stats() ?? null,
});
// Leave through close() so a --cpu-prof profile is written on exit.
process.removeAllListeners('disconnect');
process.on('disconnect', () => {
  const force = setTimeout(() => process.exit(0), 5_000);
  force.unref();
  void app.close().finally(() => process.exit(0));
});
notify('ready', { url, store: store.kind });
