import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type App, buildApp } from '../../server/src/app.js';
import { clusterSeam } from '../../server/src/cluster/seam.js';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/log.js';
import { testClientDist } from './browser.js';

export type TestServer = {
  app: App;
  url: string;
  port: number;
  /** Where /metrics answers when METRICS_PORT gives it its own listener (an ephemeral port here). */
  metricsUrl: string | null;
  /** Every log line the server wrote, parsed. */
  logs: string[];
  close: () => Promise<void>;
};

/**
 * Starts the real app on an ephemeral port of 127.0.0.1 and captures its log lines. It serves the
 * client's test build (with the browser tests' hook) unless CLIENT_DIST says otherwise.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  // Without REDIS_URL the embedded database goes to a folder of its own, removed on close (unless given).
  const ownDir = env.DATA_DIR ? null : mkdtempSync(join(tmpdir(), 'cercle-data-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CLIENT_DIST: testClientDist,
    ...(ownDir ? { DATA_DIR: ownDir } : {}),
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger(config.LOG_LEVEL, sink);
  const cluster = clusterSeam(config);
  const store = await cluster.openStore(logger);
  const circles = await cluster.openCircleStore();
  const app = await buildApp({ config, store, circles, logger, cluster });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const metricsUrl = app.metricsHttp ? await app.metricsHttp.listen({ port: 0, host: '127.0.0.1' }) : null;
  const close = async () => {
    await app.close();
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
  return { app, url: `http://127.0.0.1:${port}`, port, metricsUrl, logs, close };
}
