import { z } from 'zod';
import type { RoomEvent } from '../engine/events.js';
import type { ViewPatch } from '../engine/patch.js';
import { localeSchema } from '../engine/template.js';
import type { WireRoomView } from '../engine/texts.js';
import type { PrivateView } from '../engine/views.js';
import { commandSchema } from './commands.js';
import { wireErrorSchema } from './errors.js';

/**
 * The live protocol: every Socket.IO event, its payload schema and its acknowledgement. Server and page
 * both take their event maps from here (`ClientToServerEvents`, `ServerToClientEvents`), so the two
 * sides cannot disagree. Names are `domain:verb`; docs/protocol.md lists them and a test keeps it true.
 */

/** Letters and digits that cannot be mistaken for one another: no 0/O, no 1/I/L. */
export const roomCodeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** 31^7 is about 2^34.7 codes. */
export const roomCodeLength = 7;

/** A room code as people type it: case and separators do not matter. */
export const roomCodeSchema = z
  .string()
  .max(32)
  .transform((v) => v.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(new RegExp(`^[${roomCodeAlphabet}]{${roomCodeLength}}$`)));

/** Secrets made by the server: base64url of at least 128 random bits. */
const secretSchema = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/);

export { localeSchema };

/** What a client sends in Socket.IO's `auth` handshake payload; never in the URL. */
export const handshakeAuthSchema = z.strictObject({
  code: roomCodeSchema,
  /** Display name, for a first join. Its length rule is the engine's (join command). */
  name: z.string().max(200).optional(),
  /** Given in `session:welcome`; brings back the same seat. */
  resumeToken: secretSchema.optional(),
  /** Given once by `POST /api/rooms`; grants the facilitator seat. */
  facilitatorKey: secretSchema.optional(),
  locale: localeSchema.optional(),
  /**
   * The built-in texts this client holds (`TEXTS_VERSION`, SPEC VW-10): when it is the server's, the
   * welcome and `room:sync` snapshots leave out the texts equal to the built-in ones.
   */
  texts: z.string().max(64).optional(),
});
export type HandshakeAuth = z.infer<typeof handshakeAuthSchema>;

/** The data of a refused handshake's `connect_error`. */
export const handshakeErrorSchema = z.object({ code: wireErrorSchema.shape.code });

// Client to server -------------------------------------------------------------------------------------

export const commandRequestSchema = z.strictObject({
  /** Made by the client (uuid); a retry with the same id is applied once. */
  id: z.uuid(),
  command: commandSchema,
});
export type CommandRequest = z.infer<typeof commandRequestSchema>;

/**
 * `check`: commands this client gave up on (no answer, or `store_unavailable`), with their ids: the
 * acknowledgement's `stored` lists those that were in fact stored (SPEC SR-5), so the page stops
 * calling them "not sent". Nothing is applied by a check. `version`: the version of the view this
 * client holds; if it is the room's, the answer says `current` instead of sending the room (SPEC HT-8).
 */
export const syncRequestSchema = z.strictObject({
  check: z.array(commandRequestSchema).max(20).optional(),
  version: z.number().int().nonnegative().optional(),
});
export type SyncRequest = z.infer<typeof syncRequestSchema>;

export const pingRequestSchema = z.strictObject({ clientTime: z.number().finite() });
export type PingRequest = z.infer<typeof pingRequestSchema>;

export const pingAckSchema = z.object({ clientTime: z.number(), serverTime: z.number() });
export type PingAck = z.infer<typeof pingAckSchema>;

// Server to client -------------------------------------------------------------------------------------

/** A snapshot's view: its built-in texts may be left out (SPEC VW-10, `withBuiltInTexts` puts them back). */
const viewSchema = z.custom<WireRoomView>((v) => typeof v === 'object' && v !== null);
const privateViewSchema = z.custom<PrivateView>((v) => typeof v === 'object' && v !== null);
/**
 * A patch (VW-6, docs/protocol.md `room:patch`): `del` paths, then `set` paths and values, then `tail`,
 * lists cut to their first `keep` items with `add` appended. Values are views' parts, not checked here.
 */
const patchSchema = z.object({
  set: z.record(z.string(), z.unknown()),
  del: z.array(z.string()),
  tail: z
    .record(z.string(), z.object({ keep: z.number().int().nonnegative(), add: z.array(z.unknown()) }))
    .optional(),
}) satisfies z.ZodType<ViewPatch>;
const roomEventSchema = z.custom<RoomEvent>((v) => typeof v === 'object' && v !== null);

/**
 * Everything a participant needs to draw the room at `version`: the public view (without the built-in
 * texts when the connection said it holds them, SPEC VW-10) and their own data.
 */
export const snapshotSchema = z.object({
  version: z.number().int().nonnegative(),
  view: viewSchema,
  mine: privateViewSchema,
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const syncAckSchema = z.union([
  z.object({ ok: z.literal(true), snapshot: snapshotSchema, stored: z.array(z.string()).optional() }),
  /** The `version` asked about is the room's: nothing to send. */
  z.object({
    ok: z.literal(true),
    current: z.literal(true),
    version: z.number().int().nonnegative(),
    stored: z.array(z.string()).optional(),
  }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
]);
export type SyncAck = z.infer<typeof syncAckSchema>;

export const welcomeSchema = z.object({
  participantId: z.string(),
  /** Keep it (sessionStorage): it brings back this seat after a reload or a dropped connection. */
  resumeToken: z.string(),
  serverTime: z.number(),
  snapshot: snapshotSchema,
});
export type Welcome = z.infer<typeof welcomeSchema>;

/** The room is locked: the seat exists but nothing of the room is sent until the facilitator admits it. */
export const waitingSchema = z.object({
  participantId: z.string(),
  resumeToken: z.string(),
  serverTime: z.number(),
});
export type Waiting = z.infer<typeof waitingSchema>;

/** Sent to a waiting participant once admitted. */
export const admittedSchema = z.object({
  participantId: z.string(),
  serverTime: z.number(),
  snapshot: snapshotSchema,
});
export type Admitted = z.infer<typeof admittedSchema>;

/** One accepted command: apply `patch` to the view at version `from` to get version `to`. */
export const roomPatchSchema = z.object({
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  patch: patchSchema,
  events: z.array(roomEventSchema),
});
export type RoomPatch = z.infer<typeof roomPatchSchema>;

/**
 * A command's answer. `ok: true` only once stored; `patch`, when present, is the `room:patch` telling the
 * write, which the sending connection then does not receive as an event of its own.
 */
export const commandAckSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    version: z.number().int().nonnegative(),
    patch: roomPatchSchema.optional(),
  }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
]);
export type CommandAck = z.infer<typeof commandAckSchema>;

/** The participant's own data changed (logbook, ...): sent to them alone. */
export const mePrivateSchema = z.object({ version: z.number().int().nonnegative(), mine: privateViewSchema });
export type MePrivate = z.infer<typeof mePrivateSchema>;

/**
 * Why a seat or a room is gone: `ended`, `purged` (ended and erased), `removed` (the seat taken away),
 * `lost` (the room's data vanished from the store while people were in it: SPEC SR-3).
 */
export const endReasonSchema = z.enum(['ended', 'purged', 'removed', 'lost']);
/** The seat or the room is gone; the server closes the connection right after. */
export const sessionEndedSchema = z.object({ reason: endReasonSchema });
export type SessionEnded = z.infer<typeof sessionEndedSchema>;

/**
 * The room's latest stored version, announced now and then by the nodes its people are connected to
 * (SPEC SR-2): a client whose version is behind asks `room:sync`.
 */
export const roomVersionSchema = z.object({ version: z.number().int().nonnegative() });
export type RoomVersion = z.infer<typeof roomVersionSchema>;

/** This server node is stopping: reconnect (the token brings the seat back on another node). */
export const serverShutdownSchema = z.object({});
export type ServerShutdown = z.infer<typeof serverShutdownSchema>;

/** Payload schemas of the events a client sends, by name. */
export const clientEventSchemas = {
  'room:command': commandRequestSchema,
  'room:sync': syncRequestSchema,
  'time:ping': pingRequestSchema,
} as const;

/** Acknowledgement schemas of the client events that expect one. */
export const clientAckSchemas = {
  'room:command': commandAckSchema,
  'room:sync': syncAckSchema,
  'time:ping': pingAckSchema,
} as const;

/** Payload schemas of the events the server sends, by name. */
export const serverEventSchemas = {
  'session:welcome': welcomeSchema,
  'session:waiting': waitingSchema,
  'session:admitted': admittedSchema,
  'session:ended': sessionEndedSchema,
  'room:patch': roomPatchSchema,
  'me:private': mePrivateSchema,
  'room:version': roomVersionSchema,
  'server:shutdown': serverShutdownSchema,
} as const;

export type ClientEventName = keyof typeof clientEventSchemas;
export type ServerEventName = keyof typeof serverEventSchemas;

type Ack<T> = (response: T) => void;

/** Socket.IO's `ListenEvents` on the server, `EmitEvents` on the page. */
export interface ClientToServerEvents {
  'room:command': (request: CommandRequest, ack: Ack<CommandAck>) => void;
  'room:sync': (request: SyncRequest, ack: Ack<SyncAck>) => void;
  'time:ping': (request: PingRequest, ack: Ack<PingAck>) => void;
}

/** Socket.IO's `EmitEvents` on the server, `ListenEvents` on the page. */
export type ServerToClientEvents = {
  [K in ServerEventName]: (payload: z.infer<(typeof serverEventSchemas)[K]>) => void;
};

/** The clock offset (server minus client) from one `time:ping` round trip, assuming symmetric delays. */
export function clockOffset(ack: PingAck, receivedAt: number): { offset: number; roundTrip: number } {
  const roundTrip = Math.max(0, receivedAt - ack.clientTime);
  return { offset: ack.serverTime + roundTrip / 2 - receivedAt, roundTrip };
}
