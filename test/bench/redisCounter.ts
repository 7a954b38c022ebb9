import type { Socket } from 'node:net';
import { Redis } from 'ioredis';

/**
 * Counts the Redis round trips of this process, by command name, by wrapping ioredis itself: every
 * client the server makes (store, timers, Socket.IO adapter) goes through these two methods. A pipeline
 * or MULTI is one round trip, counted once under `pipeline:<names>`; so are the calls one turn of the
 * event loop wrote in one go on a corked connection (the store's batched writes, cluster/connection.ts),
 * under `batch:<names>`; a lone command under its name.
 *
 * It also counts the bytes this process wrote to Redis, at the socket (`bytesWritten` of every
 * connection a client ever had), per role: a connection that ever sent a pub/sub command (PUBLISH,
 * SPUBLISH, SUBSCRIBE, ...) is the adapter's, any other the store's (rooms, timers, circles).
 */
const counts = new Map<string, number>();
let installed = false;

type Connection = { streams: Set<Socket>; last: Socket | undefined; adapter: boolean };
const connections = new Map<Redis, Connection>();
const isPubSub = (name: string) => /publish|subscribe|^pubsub/i.test(name);
/** `pipeline:<names>` keys by the name of a one-command pipeline (most are), built once each. */
const singleKeys = new Map<string, string>();

type SendCommand = (this: Redis, command: { name: string }, stream?: unknown, node?: unknown) => unknown;
type Exec = (this: { _queue?: { name: string }[] }, ...args: unknown[]) => unknown;

// Kept lean: it runs in the measured server process, on every command (the baseline carries no such
// wrapper), so it does as little as it can per call.
function track(client: Redis, name: string | undefined): void {
  let c = connections.get(client);
  if (!c) {
    c = { streams: new Set(), last: undefined, adapter: false };
    connections.set(client, c);
  }
  if (!c.adapter && name !== undefined && isPubSub(name)) c.adapter = true;
  const stream = (client as unknown as { stream?: Socket }).stream;
  if (stream !== undefined && stream !== c.last) {
    c.streams.add(stream);
    c.last = stream;
  }
}

/** The names of the calls written to a corked connection in this turn, counted once the turn ends. */
const batches = new Map<Socket, Set<string>>();
function countBatched(socket: Socket, name: string): void {
  let names = batches.get(socket);
  if (!names) {
    const batch = new Set<string>();
    names = batch;
    batches.set(socket, batch);
    setImmediate(() => {
      batches.delete(socket);
      const key = `batch:${[...batch].join('+')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
  }
  names.add(name);
}

export function installRedisCounter(): void {
  if (installed) return;
  installed = true;
  const proto = Redis.prototype as unknown as { sendCommand: SendCommand };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: Redis, command, stream, node) {
    const name = command?.name;
    // Commands of a pipeline come with the pipeline's write stream: those are counted by exec below.
    if (stream === undefined && name) {
      const socket = (this as unknown as { stream?: Socket }).stream;
      if (socket?.writableCorked) countBatched(socket, name);
      else counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    track(this, name);
    return send.call(this, command, stream, node);
  };
  const pipelineProto = Object.getPrototypeOf(new Redis({ lazyConnect: true }).pipeline()) as { exec: Exec };
  const exec = pipelineProto.exec;
  pipelineProto.exec = function (this: { _queue?: { name: string }[] }, ...args: unknown[]) {
    const queue = this._queue ?? [];
    let key: string;
    if (queue.length === 1) {
      const name = queue[0]!.name;
      key = singleKeys.get(name) ?? `pipeline:${name}`;
      singleKeys.set(name, key);
    } else key = `pipeline:${[...new Set(queue.map((c) => c.name))].join('+')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return exec.apply(this, args);
  };
}

export function redisCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}

/** Bytes written to Redis so far, by the store's connections and by the adapter's. */
export function redisBytes(): { store: number; adapter: number } {
  const out = { store: 0, adapter: 0 };
  for (const [client, c] of connections) {
    track(client, undefined);
    let bytes = 0;
    for (const s of c.streams) bytes += s.bytesWritten;
    out[c.adapter ? 'adapter' : 'store'] += bytes;
  }
  return out;
}
