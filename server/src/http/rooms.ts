import {
  type CreateRoomResponse,
  checkRecipe,
  createRoomRequestSchema,
  recipeSchema,
  roomCodeSchema,
} from '@cercle/shared';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { wireError } from '../rooms/errors.js';
import type { RoomService } from '../rooms/roomService.js';
import type { AddressLimits } from './addressLimits.js';

export type RoomsApiOptions = {
  service: RoomService;
  publicUrl: string | undefined;
  /** ROOMS_API_RATE per address, for the whole deployment, all these routes together (HT-2). */
  limits: AddressLimits;
};

/** The origin people reach this server at: PUBLIC_URL, or the request's own host. */
function publicOrigin(req: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin;
  return `${req.protocol}://${req.host}`;
}

/**
 * `POST /api/rooms` opens a room; `GET /api/rooms/:code` tells its public facts. A wrong, ended or
 * locked code gets the same 404. Both are rate-limited per client address.
 */
export const roomsApi: FastifyPluginAsync<RoomsApiOptions> = async (app, { service, publicUrl, limits }) => {
  app.addHook('onRequest', limits.apiHook('rooms'));

  app.post('/api/rooms', async (req, reply) => {
    const body = createRoomRequestSchema.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: wireError('bad_request') });
    const {
      template,
      title,
      locale,
      allowAnonymousCards,
      autoAdvance,
      advanceWhenDone,
      warnBeforeMs,
      indicators,
      phases,
    } = body.data;
    const opened = await service.createRoom({
      templateId: template,
      ...(title === undefined ? {} : { title }),
      ...(locale === undefined ? {} : { locale }),
      ...(allowAnonymousCards === undefined ? {} : { allowAnonymousCards }),
      ...(autoAdvance === undefined ? {} : { autoAdvance }),
      ...(advanceWhenDone === undefined ? {} : { advanceWhenDone }),
      ...(warnBeforeMs === undefined ? {} : { warnBeforeMs }),
      ...(indicators === undefined ? {} : { indicators }),
      ...(phases === undefined ? {} : { phases }),
    });
    // A phase list the method cannot run (CU-2): the engine's code, and which phase; nothing created.
    if (!opened.ok) return reply.code(400).send({ error: opened.error });
    const { code, facilitatorKey } = opened;
    const response: CreateRoomResponse = {
      code,
      joinUrl: `${publicOrigin(req, publicUrl)}/r/${code}`,
      facilitatorKey,
    };
    return reply.code(201).header('cache-control', 'no-store').send(response);
  });

  // RC-2: a recipe opened from a file or a link is checked as `phases` are at creation (CU-2): the
  // engine's code and the phase at fault; nothing is stored.
  app.post('/api/recipes/check', async (req, reply) => {
    const body = recipeSchema.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: wireError('bad_request') });
    const checked = checkRecipe(body.data);
    if (!checked.ok) {
      // A fixed message per code, as for creation (errors.ts), and the phase's position.
      const error = wireError(checked.code);
      return reply
        .code(400)
        .send({ error: checked.phase === undefined ? error : { ...error, phase: checked.phase } });
    }
    return reply.header('cache-control', 'no-store').send({ recipe: body.data });
  });

  app.get<{ Params: { code: string } }>('/api/rooms/:code', async (req, reply) => {
    const code = roomCodeSchema.safeParse(req.params.code);
    const facts = code.success ? await service.facts(code.data) : null;
    if (!facts) return reply.code(404).send({ error: wireError('room_not_found') });
    return reply.header('cache-control', 'no-store').send(facts);
  });
};
