import {
  type CircleErrorCode,
  circleExportSchema,
  circleIdSchema,
  circleMarkdown,
  createCircleRequestSchema,
  enterSessionRequestSchema,
  followUpRequestSchema,
  joinCircleRequestSchema,
  memberIdSchema,
  openSessionRequestSchema,
} from '@cercle/shared';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CircleService } from '../circles/service.js';
import type { AddressLimits } from './addressLimits.js';
import { markdownTexts } from './circleMarkdownTexts.js';

export type CirclesApiOptions = {
  service: CircleService;
  publicUrl: string | undefined;
  /** ROOMS_API_RATE per address, for the whole deployment, all circle routes together (HT-2). */
  limits: AddressLimits;
};

/** Every route of the circles API, as docs/protocol.md lists them (a test keeps both in step). */
export const circleRoutes = [
  'POST /api/circles',
  'GET /api/circles/:circleId',
  'GET /api/circles/:circleId/view',
  'POST /api/circles/:circleId/members',
  'POST /api/circles/:circleId/members/:memberId/link',
  'DELETE /api/circles/:circleId/members/:memberId',
  'POST /api/circles/:circleId/sessions',
  'POST /api/circles/:circleId/sessions/:number/enter',
  'PATCH /api/circles/:circleId/follow-ups/:itemId',
  'GET /api/circles/:circleId/export',
  'POST /api/circles/import',
  'DELETE /api/circles/:circleId',
] as const;

export const circleErrorStatus: Record<CircleErrorCode, number> = {
  bad_request: 400,
  circle_not_found: 404,
  not_facilitator: 403,
  not_yours: 403,
  not_invited: 403,
  invalid: 400,
  limit_reached: 409,
  name_taken: 409,
  wrong_status: 409,
  room_not_found: 410,
  rate_limited: 429,
  store_unavailable: 503,
};

/** The only texts that reach a client: one fixed sentence per code, never built from the request. */
const messages: Record<CircleErrorCode, string> = {
  bad_request: 'The request is malformed.',
  circle_not_found: 'No circle answers to this link.',
  not_facilitator: 'Only the facilitator may do this.',
  not_yours: 'Only its owner may update this item.',
  not_invited: 'This session is the coach’s and the coachee’s.',
  invalid: 'This does not apply here.',
  limit_reached: 'This circle has reached its limit for this.',
  name_taken: 'This name is a role’s or another member’s: choose another.',
  wrong_status: 'The circle is not at a stage that allows this.',
  room_not_found: 'This session’s room has ended.',
  rate_limited: 'Too many attempts: wait a moment.',
  store_unavailable: 'The server could not store this: try again.',
};

const error = (reply: FastifyReply, code: CircleErrorCode) =>
  reply
    .code(circleErrorStatus[code])
    .header('cache-control', 'no-store')
    .send({ error: { code, message: messages[code] } });

/** The bearer secret (facilitator key or member link secret), or null. */
function bearer(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([A-Za-z0-9_-]{22,128})$/.exec(header);
  return match ? match[1]! : null;
}

function publicOrigin(req: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin;
  return `${req.protocol}://${req.host}`;
}

const circleParams = z.object({ circleId: circleIdSchema });
const memberParams = circleParams.extend({ memberId: memberIdSchema });
const sessionParams = circleParams.extend({ number: z.coerce.number().int().min(1).max(1000) });
const itemParams = circleParams.extend({ itemId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/) });

/**
 * The circles API (docs/protocol.md, "Circles"). Every route is rate-limited per client address like
 * `/api/rooms`; a wrong circle id and a wrong secret get the same 404. Nothing of a circle is logged: the
 * request log line carries the route pattern, never the path.
 */
export const circlesApi: FastifyPluginAsync<CirclesApiOptions> = async (
  app,
  { service, publicUrl, limits },
) => {
  app.addHook('onRequest', limits.apiHook('circles'));
  // HT-2, CI-11: a request naming a circle tries an id and a secret: a guess, counted before it is tried,
  // in the same allowance as a room's handshakes (JOIN_FAILURES_PER_IP); one that finds its circle (any
  // answer but 404) gives it back, so only wrong ids and secrets use it up.
  const namesCircle = (req: FastifyRequest) =>
    typeof (req.params as { circleId?: unknown } | undefined)?.circleId === 'string';
  app.addHook('onRequest', limits.guessHook(namesCircle));
  app.addHook('onSend', async (req, reply, payload) => {
    if (namesCircle(req) && reply.statusCode !== 404 && reply.statusCode !== 429)
      await limits.forgive(req.ip);
    return payload;
  });
  const link = (req: FastifyRequest, circleId: string, secret: string) =>
    `${publicOrigin(req, publicUrl)}/c/${circleId}#k=${secret}`;

  app.post('/api/circles', async (req, reply) => {
    const body = createCircleRequestSchema.safeParse(req.body);
    if (!body.success) return error(reply, 'bad_request');
    const made = await service.create({ ...body.data, locale: body.data.locale ?? 'fr' });
    if (!made.ok) return error(reply, made.code);
    const { circleId, facilitatorKey } = made.value;
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({ circleId, facilitatorKey, joinUrl: `${publicOrigin(req, publicUrl)}/c/${circleId}` });
  });

  app.post('/api/circles/import', async (req, reply) => {
    const body = circleExportSchema.safeParse(req.body);
    if (!body.success) return error(reply, 'bad_request');
    const made = await service.import(body.data);
    if (!made.ok) return error(reply, made.code);
    const { circleId, facilitatorKey, links } = made.value;
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({
        circleId,
        facilitatorKey,
        joinUrl: `${publicOrigin(req, publicUrl)}/c/${circleId}`,
        links: links.map((m) => ({ name: m.name, link: link(req, circleId, m.secret) })),
      });
  });

  app.get('/api/circles/:circleId', async (req, reply) => {
    const params = circleParams.safeParse(req.params);
    const facts = params.success ? await service.facts(params.data.circleId) : null;
    if (!facts) return error(reply, 'circle_not_found');
    return reply.header('cache-control', 'no-store').send(facts);
  });

  app.get('/api/circles/:circleId/view', async (req, reply) => {
    const params = circleParams.safeParse(req.params);
    if (!params.success) return error(reply, 'circle_not_found');
    const result = await service.view(params.data.circleId, bearer(req));
    if (!result.ok) return error(reply, result.code);
    return reply.header('cache-control', 'no-store').send(result.value);
  });

  app.post('/api/circles/:circleId/members', async (req, reply) => {
    const params = circleParams.safeParse(req.params);
    const body = joinCircleRequestSchema.safeParse(req.body);
    if (!params.success) return error(reply, 'circle_not_found');
    if (!body.success) return error(reply, 'bad_request');
    const result = await service.join(params.data.circleId, body.data);
    if (!result.ok) return error(reply, result.code);
    const { memberId, secret } = result.value;
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({ memberId, secret, link: link(req, params.data.circleId, secret) });
  });

  app.post('/api/circles/:circleId/members/:memberId/link', async (req, reply) => {
    const params = memberParams.safeParse(req.params);
    if (!params.success) return error(reply, 'circle_not_found');
    const result = await service.reissue(params.data.circleId, bearer(req), params.data.memberId);
    if (!result.ok) return error(reply, result.code);
    const { memberId, secret } = result.value;
    return reply
      .header('cache-control', 'no-store')
      .send({ memberId, secret, link: link(req, params.data.circleId, secret) });
  });

  app.delete('/api/circles/:circleId/members/:memberId', async (req, reply) => {
    const params = memberParams.safeParse(req.params);
    if (!params.success) return error(reply, 'circle_not_found');
    const result = await service.remove(params.data.circleId, bearer(req), params.data.memberId);
    if (!result.ok) return error(reply, result.code);
    return reply.code(204).send();
  });

  app.post('/api/circles/:circleId/sessions', async (req, reply) => {
    const params = circleParams.safeParse(req.params);
    const body = openSessionRequestSchema.safeParse(req.body ?? {});
    if (!params.success) return error(reply, 'circle_not_found');
    if (!body.success) return error(reply, 'bad_request');
    const result = await service.openSession(params.data.circleId, bearer(req), body.data);
    if (!result.ok) return error(reply, result.code);
    return reply.code(201).header('cache-control', 'no-store').send(result.value);
  });

  app.post('/api/circles/:circleId/sessions/:number/enter', async (req, reply) => {
    const params = sessionParams.safeParse(req.params);
    const body = enterSessionRequestSchema.safeParse(req.body ?? {});
    if (!params.success) return error(reply, 'circle_not_found');
    if (!body.success) return error(reply, 'bad_request');
    const { circleId, number } = params.data;
    const result = await service.enter(circleId, bearer(req), number, body.data.name);
    if (!result.ok) return error(reply, result.code);
    return reply.header('cache-control', 'no-store').send(result.value);
  });

  app.patch('/api/circles/:circleId/follow-ups/:itemId', async (req, reply) => {
    const params = itemParams.safeParse(req.params);
    const body = followUpRequestSchema.safeParse(req.body);
    if (!params.success) return error(reply, 'circle_not_found');
    if (!body.success) return error(reply, 'bad_request');
    const result = await service.followUp(params.data.circleId, bearer(req), params.data.itemId, body.data);
    if (!result.ok) return error(reply, result.code);
    return reply.code(204).send();
  });

  app.get<{ Querystring: { format?: string } }>('/api/circles/:circleId/export', async (req, reply) => {
    const params = circleParams.safeParse(req.params);
    const format = req.query.format ?? 'json';
    if (!params.success) return error(reply, 'circle_not_found');
    if (format !== 'json' && format !== 'md') return error(reply, 'bad_request');
    const result = await service.export(params.data.circleId, bearer(req));
    if (!result.ok) return error(reply, result.code);
    reply.header('cache-control', 'no-store');
    if (format === 'json') return reply.send(result.value);
    return reply
      .type('text/markdown; charset=utf-8')
      .send(circleMarkdown(result.value, markdownTexts[result.value.locale]));
  });

  app.delete('/api/circles/:circleId', async (req, reply) => {
    const params = circleParams.safeParse(req.params);
    if (!params.success) return error(reply, 'circle_not_found');
    const result = await service.erase(params.data.circleId, bearer(req));
    if (!result.ok) return error(reply, result.code);
    return reply.code(204).send();
  });
};
