import fc from 'fast-check';
import { Adapter, type BroadcastOptions } from 'socket.io-adapter';
import { describe, expect, it } from 'vitest';
import { CercleAdapter, oneRoomApply } from '../../server/src/cluster/adapter.js';

type Visit = (socket: { id: string }) => void;
const library = (Adapter.prototype as unknown as { apply: (opts: BroadcastOptions, visit: Visit) => void })
  .apply;

/** An in-memory adapter of one node: `members[i]` the rooms socket `s<i>` is in (besides its own id). */
function nodeWith(members: string[][], gone: number[] = []) {
  const sockets = new Map<string, { id: string }>();
  const adapter = new Adapter({ name: '/', sockets, server: { encoder: {} } } as never);
  members.forEach((rooms, i) => {
    const id = `s${i}`;
    if (!gone.includes(i)) sockets.set(id, { id }); // in a room, no longer in the namespace (closing)
    void adapter.addAll(id, new Set([id, ...rooms]));
  });
  return adapter;
}

/**
 * What a call does, in order: the sockets visited; with `leave`, each visited socket leaves every room
 * during the visit (as `disconnectSockets` does).
 */
function visits(apply: typeof library, adapter: Adapter, opts: BroadcastOptions, leave: boolean): string[] {
  const seen: string[] = [];
  apply.call(adapter, opts, (socket) => {
    seen.push(socket.id);
    if (leave) adapter.delAll(socket.id);
  });
  return seen;
}

const roomNames = fc.constantFrom('a', 'b', 'c', 's0', 's1', 's2', 'none');

describe('the sockets a one-room call acts on [SC-7]', () => {
  it('[SC-7] are the library’s, in its order: a room, the senders left out, sockets leaving meanwhile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.subarray(['a', 'b', 'c']), { maxLength: 9 }),
        fc.array(fc.nat(8), { maxLength: 2 }),
        roomNames,
        fc.option(fc.array(roomNames, { maxLength: 3 }), { nil: undefined }),
        fc.boolean(),
        (members, gone, room, except, leave) => {
          const opts: BroadcastOptions = {
            rooms: new Set([room]),
            ...(except ? { except: new Set(except) } : {}),
          };
          const theirs = visits(library, nodeWith(members, gone), opts, leave);
          const ours = visits(oneRoomApply as typeof library, nodeWith(members, gone), opts, leave);
          expect(ours).toEqual(theirs);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('[SC-7] a patch to a room of 8 reaches the 7 others, not its sender; other calls are the library’s', () => {
    const adapter = nodeWith(Array.from({ length: 8 }, () => ['room']));
    const patch = { rooms: new Set(['room']), except: new Set(['s3']) };
    expect(visits(oneRoomApply as typeof library, adapter, patch, false)).toEqual([
      's0',
      's1',
      's2',
      's4',
      's5',
      's6',
      's7',
    ]);
    // Every socket of the namespace (no room), or several rooms: as the library does.
    const all = { rooms: new Set<string>(), except: new Set(['s0']) };
    expect(visits(oneRoomApply as typeof library, adapter, all, false)).toEqual(
      visits(library, adapter, all, false),
    );
    // CercleAdapter's local calls go through it.
    expect((CercleAdapter.prototype as unknown as { apply: unknown }).apply).toBe(oneRoomApply);
  });
});
