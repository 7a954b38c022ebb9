import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import type { Config } from './config.js';
import { healthRoutes } from './http/health.js';
import { staticClient } from './http/staticClient.js';
import { maskPath } from './log.js';
import type { RoomStore } from './store/interface.js';

export type AppDeps = {
  config: Config;
  store: RoomStore;
  logger: FastifyBaseLogger;
};

export type App = {
  http: FastifyInstance;
  io: SocketServer;
  /** Stops accepting, tells connected people, closes sockets, the HTTP server and the store. */
  close: () => Promise<void>;
};

const defaultClientDist = fileURLToPath(new URL('../../client/dist/', import.meta.url));

/** Builds the whole server without listening: tests and main.ts both start from here. */
export async function buildApp({ config, store, logger }: AppDeps): Promise<App> {
  const http = Fastify({
    loggerInstance: logger,
    disableRequestLogging: true,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 64 * 1024,
  });

  // One line per request, with the route pattern instead of the URL: paths carry room codes.
  http.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        event: 'http',
        method: req.method,
        route: req.routeOptions.url ?? maskPath(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await http.register(healthRoutes, { store });
  await http.register(staticClient, { root: config.CLIENT_DIST ?? defaultClientDist });

  const io = new SocketServer(http.server, {
    transports: ['websocket'],
    serveClient: false,
    // Well above the application's own text limits, well below Socket.IO's 1 MB default.
    maxHttpBufferSize: 64 * 1024,
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      io.emit('server:shutdown', {});
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await http.close();
      await store.close();
    })();
    return closing;
  };

  return { http, io, close };
}
