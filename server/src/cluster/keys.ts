/// <reference path="../types/cluster-key-slot.d.ts" />
import keySlot from 'cluster-key-slot';

/**
 * Every Redis key and sharded pub/sub channel Cercle uses is named here, and nowhere else (SC-3).
 *
 * A Redis Cluster runs a Lua script only when all its keys hash to one slot, and the slot of a key is
 * the hash of its tag (the part between `{` and `}`). A room's compare-and-set touches the room, its turn
 * and the timers set its deadlines go to, so the three share one tag. One tag per room would spread
 * rooms over every slot but need a timers set per slot (16,384 sets for every node to poll): instead
 * rooms are spread over `TIMER_SHARDS` shards, each with its own tag, and each shard has one timers set
 * beside its rooms. The shards' tags are chosen so that their slots are evenly spaced over the 16,384
 * slots: a cluster's primaries own ranges of slots, so N primaries get about TIMER_SHARDS / N shards each.
 * The layout is the same on one Redis and on a cluster: a deployment moves from one to the other
 * without renaming a key.
 *
 * A room's fan-out channel (sharded pub/sub) carries the same tag: its messages are handled by the
 * primary that holds the room.
 */
export const TIMER_SHARDS = 16;
export const SLOTS = 16_384;

/** The slot of a key or channel (CRC16 of its tag, as Redis computes it). */
export const slotOf = (key: string): number => keySlot(key);

/** Shard i's tag: the first `s<i>.<n>` whose slot falls in the i-th sixteenth of the slots. */
function shardTag(shard: number): string {
  const low = (shard * SLOTS) / TIMER_SHARDS;
  const high = ((shard + 1) * SLOTS) / TIMER_SHARDS;
  for (let n = 0; ; n++) {
    const tag = `s${shard}.${n}`;
    const slot = slotOf(tag);
    if (slot >= low && slot < high) return tag;
  }
}

export const shardTags: readonly string[] = Array.from({ length: TIMER_SHARDS }, (_, i) => shardTag(i));

/** The shard of a room code (FNV-1a of the code: stable across nodes and versions). */
export function shardOf(code: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) {
    hash ^= code.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % TIMER_SHARDS;
}

/** The names under one prefix (default `cercle:`; tests use their own). */
export function keyNames(prefix = 'cercle:') {
  const tagged = (code: string) => `${prefix}{${shardTags[shardOf(code)]}}`;
  return {
    /** A room's hash of fields (store/roomFields.ts): `cercle:{s3.12}:room:CODE`. */
    room: (code: string) => `${tagged(code)}:room:${code}`,
    /** Every command id applied to a room, beside it. */
    roomIds: (code: string) => `${tagged(code)}:room:${code}:ids`,
    /** A room's fairness turn, beside it. */
    turn: (code: string) => `${tagged(code)}:room:${code}:turn`,
    /** The timers set of a room's shard. */
    timersOf: (code: string) => `${prefix}{${shardTags[shardOf(code)]}}:timers`,
    /** Every shard's timers set, in shard order. */
    timerSets: (): string[] => shardTags.map((tag) => `${prefix}{${tag}}:timers`),
    /** What, in a timers set's own slot, prefixes the room key of a member's code (for its claim script). */
    roomPrefixOfSet: (set: string) => `${set.slice(0, -'timers'.length)}room:`,
    /** A room's fan-out channel (sharded pub/sub), beside the room. */
    roomChannel: (code: string) => `${tagged(code)}:bus:${code}`,
    /** Every node listens here: messages that are no room's (one slot of their own). */
    nodesChannel: () => `${prefix}{bus}:nodes`,
    /** Answers to one node's requests. */
    nodeChannel: (uid: string) => `${prefix}{bus}:node:${uid}`,
    /** A circle and the set of its rooms (one slot: the circle's scripts touch both). */
    circle: (id: string) => `${prefix}{circle:${id}}`,
    circleRooms: (id: string) => `${prefix}{circle:${id}}:rooms`,
    /** The circle of a room, beside the room (looked up by code alone). */
    circleOfRoom: (code: string) => `${tagged(code)}:circle-of:${code}`,
  };
}

export type KeyNames = ReturnType<typeof keyNames>;
