import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Serves the built page at `/` and the same page at `/r/<code>` (the join link) and `/c/<circleId>`
 * (a circle's page). Hashed assets are
 * cached for a year; index.html never, so a new deploy is picked up at the next load.
 */
export const staticClient: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  if (!existsSync(`${root}/index.html`)) {
    app.log.warn({ event: 'client_missing' }, 'built client not found: run npm run build');
    app.get('/', async (_req, reply) =>
      reply.code(503).type('text/plain').send('The Cercle page is not built. Run: npm run build'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    index: false,
    wildcard: false,
    // Ours only (setHeaders): send's own `public, max-age=0` would replace it.
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const page = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html');
  app.get('/', page);
  app.get('/r/:code', page);
  app.get('/c', page);
  app.get('/c/:circleId', page);
};
