import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics` for a scraper holding the token: `Authorization: Bearer <METRICS_TOKEN>`, compared in
 * constant time (over digests, so the length of the token does not show either). Anything else is 401.
 */
export const metricsRoute: FastifyPluginAsync<{ registry: Registry; token: string }> = async (
  app,
  { registry, token },
) => {
  const expected = digest(`Bearer ${token}`);
  app.get('/metrics', async (req, reply) => {
    const offered = req.headers.authorization;
    if (typeof offered !== 'string' || !timingSafeEqual(digest(offered), expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: { code: 'unauthorized', message: 'unauthorized' } });
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};
