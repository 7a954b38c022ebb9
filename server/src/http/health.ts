import type { FastifyPluginAsync } from 'fastify';
import type { RoomStore } from '../store/interface.js';

/**
 * Liveness answers while the process runs; readiness only while the store answers too, and not for a
 * while after rooms vanished from it (`storeLost`, SPEC SR-3: reason `store_lost`).
 */
export const healthRoutes: FastifyPluginAsync<{ store: RoomStore; storeLost?: () => boolean }> = async (
  app,
  { store, storeLost },
) => {
  app.get('/healthz', async () => ({ status: 'ok', store: store.kind }));

  app.get('/readyz', async (_req, reply) => {
    const ready = await store.ping().catch(() => false);
    if (!ready)
      return reply.code(503).send({ status: 'unavailable', reason: 'store_unavailable', store: store.kind });
    if (storeLost?.())
      return reply.code(503).send({ status: 'unavailable', reason: 'store_lost', store: store.kind });
    return reply.code(200).send({ status: 'ready', store: store.kind });
  });
};
