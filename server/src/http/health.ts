import type { FastifyPluginAsync } from 'fastify';
import type { RoomStore } from '../store/interface.js';

/** Liveness answers while the process runs; readiness only while the store answers too. */
export const healthRoutes: FastifyPluginAsync<{ store: RoomStore }> = async (app, { store }) => {
  app.get('/healthz', async () => ({ status: 'ok', store: store.kind }));

  app.get('/readyz', async (_req, reply) => {
    const ready = await store.ping().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', store: store.kind });
  });
};
