import type { Socket } from 'node:net';
import type { RedisClient } from '../../server/src/cluster/connection.js';

/**
 * Counts the socket writes of a client's connection from now on: one per system call, writes corked
 * together counting once. `stop` puts the socket's own methods back.
 */
export function countWrites(client: RedisClient): { writes: number; stop: () => void } {
  type Write = (this: Socket, ...args: unknown[]) => unknown;
  const socket = (client as unknown as { stream: Socket & { _write: Write; _writev: Write } }).stream;
  const originals = { _write: socket._write, _writev: socket._writev };
  const counter = {
    writes: 0,
    stop: () => {
      socket._write = originals._write;
      socket._writev = originals._writev;
    },
  };
  for (const method of ['_write', '_writev'] as const) {
    const original = originals[method];
    socket[method] = function (this: Socket, ...args: unknown[]) {
      counter.writes++;
      return original.apply(this, args);
    };
  }
  return counter;
}
