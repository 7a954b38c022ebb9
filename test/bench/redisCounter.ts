import { Redis } from 'ioredis';

/**
 * Counts the Redis round trips of this process, by command name, by wrapping ioredis itself: every
 * client the server makes (store, timers, Socket.IO adapter) goes through these two methods. A pipeline
 * or MULTI is one round trip, counted once under `pipeline:<names>`; a lone command under its name.
 */
const counts = new Map<string, number>();
let installed = false;

type SendCommand = (this: Redis, command: { name: string }, stream?: unknown, node?: unknown) => unknown;
type Exec = (this: { _queue?: { name: string }[] }, ...args: unknown[]) => unknown;

export function installRedisCounter(): void {
  if (installed) return;
  installed = true;
  const proto = Redis.prototype as unknown as { sendCommand: SendCommand };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: Redis, command, stream, node) {
    // Commands of a pipeline come with the pipeline's write stream: those are counted by exec below.
    if (stream === undefined && command?.name) counts.set(command.name, (counts.get(command.name) ?? 0) + 1);
    return send.call(this, command, stream, node);
  };
  const pipelineProto = Object.getPrototypeOf(new Redis({ lazyConnect: true }).pipeline()) as { exec: Exec };
  const exec = pipelineProto.exec;
  pipelineProto.exec = function (this: { _queue?: { name: string }[] }, ...args: unknown[]) {
    const names = [...new Set((this._queue ?? []).map((c) => c.name))].join('+');
    const key = `pipeline:${names}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return exec.apply(this, args);
  };
}

export function redisCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}
