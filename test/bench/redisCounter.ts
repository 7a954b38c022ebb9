import type { Socket } from 'node:net';
import { Redis } from 'ioredis';

/**
 * Counts the Redis round trips of this process, by command name, by wrapping ioredis itself: every
 * client the server makes (store, timers, Socket.IO adapter) goes through these two methods. A pipeline
 * or MULTI is one round trip, counted once under `pipeline:<names>`; so are the calls written in one go
 * on a corked connection (the store's batched writes, cluster/connection.ts: corked for the turn, then
 * uncorked), under `batch:<names>`, counted when the connection is uncorked; a lone command under its name.
 *
 * It also counts the bytes this process wrote to Redis, at the socket (`bytesWritten` of every
 * connection a client ever had), per role: a connection that ever sent a pub/sub command (PUBLISH,
 * SPUBLISH, SUBSCRIBE, ...) is the adapter's, any other the store's (rooms, timers, circles).
 */
const counts = new Map<string, number>();
let installed = false;

/** A client's connections so far and its role; kept on the client itself (no lookup per command). */
type Tracked = { streams: Set<Socket>; last: Socket | undefined; adapter: boolean; lastName: string };
const TRACKED = Symbol('redisCounter.tracked');
const tracked: [Redis, Tracked][] = [];
const isPubSub = (name: string) => /publish|subscribe|^pubsub/i.test(name);

/**
 * The names of the calls written to a corked connection since it was corked (kept on the socket), and
 * the count's key of the last one-name batch (most batches: the store's tick of compare-and-sets).
 */
type Batch = { names: string[]; lastName: string; lastKey: string };
const BATCH = Symbol('redisCounter.batch');
type Counted = { [TRACKED]?: Tracked; stream?: Socket };
type CountedSocket = Socket & { [BATCH]?: Batch };

/** A count's key by the name of a one-command pipeline or batch (most are), built once each. */
const singleKeys = new Map<string, string>();
function singleKey(prefix: 'pipeline' | 'batch', name: string): string {
  const lookup = `${prefix} ${name}`;
  let key = singleKeys.get(lookup);
  if (key === undefined) {
    key = `${prefix}:${name}`;
    singleKeys.set(lookup, key);
  }
  return key;
}
const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

type SendCommand = (this: Redis, command: { name: string }, stream?: unknown, node?: unknown) => unknown;
type Exec = (this: { _queue?: { name: string }[] }, ...args: unknown[]) => unknown;

// Kept lean: it runs in the measured server process, on every call (the baseline carries no such
// wrapper), so a call costs a property read and a comparison or two; the regular expression runs when a
// connection's command name changes, the batch's count once per write, not once per call.
function track(client: Redis, name: string | undefined): void {
  const holder = client as unknown as Counted;
  let c = holder[TRACKED];
  if (c === undefined) {
    c = { streams: new Set(), last: undefined, adapter: false, lastName: '' };
    holder[TRACKED] = c;
    tracked.push([client, c]);
  }
  if (!c.adapter && name !== undefined && name !== c.lastName) {
    c.lastName = name;
    if (isPubSub(name)) c.adapter = true;
  }
  const stream = holder.stream;
  if (stream !== undefined && stream !== c.last) {
    c.streams.add(stream);
    c.last = stream;
  }
}

/** A call written to a corked connection: part of the write its uncork makes. */
function countBatched(socket: CountedSocket, name: string): void {
  let batch = socket[BATCH];
  if (batch === undefined) {
    const made: Batch = { names: [], lastName: '', lastKey: '' };
    batch = made;
    socket[BATCH] = made;
    // The batch is one write: counted when the connection is uncorked (by the client's turn, or by `end`).
    const uncork = socket.uncork;
    socket.uncork = function (this: Socket) {
      const names = made.names;
      if (names.length === 1) {
        const name = names[0]!;
        if (name !== made.lastName) {
          made.lastName = name;
          made.lastKey = singleKey('batch', name);
        }
        bump(made.lastKey);
        names.length = 0;
      } else if (names.length > 1) {
        bump(`batch:${names.join('+')}`);
        names.length = 0;
      }
      uncork.call(this);
    };
  }
  if (!batch.names.includes(name)) batch.names.push(name);
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
      const socket = (this as unknown as Counted).stream;
      if (socket?.writableCorked) countBatched(socket, name);
      else bump(name);
    }
    track(this, name);
    return send.call(this, command, stream, node);
  };
  const pipelineProto = Object.getPrototypeOf(new Redis({ lazyConnect: true }).pipeline()) as { exec: Exec };
  const exec = pipelineProto.exec;
  pipelineProto.exec = function (this: { _queue?: { name: string }[] }, ...args: unknown[]) {
    const queue = this._queue ?? [];
    bump(
      queue.length === 1
        ? singleKey('pipeline', queue[0]!.name)
        : `pipeline:${[...new Set(queue.map((c) => c.name))].join('+')}`,
    );
    return exec.apply(this, args);
  };
}

export function redisCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}

/** Bytes written to Redis so far, by the store's connections and by the adapter's. */
export function redisBytes(): { store: number; adapter: number } {
  const out = { store: 0, adapter: 0 };
  for (const [client, c] of tracked) {
    track(client, undefined);
    let bytes = 0;
    for (const s of c.streams) bytes += s.bytesWritten;
    out[c.adapter ? 'adapter' : 'store'] += bytes;
  }
  return out;
}
