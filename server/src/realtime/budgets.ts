import { TokenBucket } from './tokenBucket.js';

/** What a client may send: each kind has its own budget. */
export type BudgetKind = 'command' | 'sync' | 'ping' | 'other';

export type BudgetSizes = Record<BudgetKind, { burst: number; perSecond: number }>;

/**
 * Sizes for the kinds that are not settings. The page syncs only after a gap in the patches, pings five
 * times at start and then every 30 s; a few tabs of one person fit well inside these.
 */
export const FIXED_BUDGETS = {
  sync: { burst: 5, perSecond: 1 },
  ping: { burst: 20, perSecond: 2 },
  other: { burst: 10, perSecond: 1 },
} as const;

/**
 * What one room may cost a node, all its seats together: a busy meeting of twelve stays far inside, a
 * room of bots spending every seat's budget is held to it. Commands and syncs are the costly events
 * (a write of the room, a whole snapshot). The room's command budget follows the seat's settings
 * (COMMAND_BURST, COMMAND_RATE): 4 seats' bursts at once, 2 seats' rate (20 a second by default).
 */
export function roomBudgets(command: { burst: number; perSecond: number }): Partial<BudgetSizes> {
  return {
    command: { burst: 4 * command.burst, perSecond: 2 * command.perSecond },
    sync: { burst: 24, perSecond: 4 },
  };
}

/**
 * HT-3: the connections a busy meeting holds on a node (twelve people, a few of them in two tabs). A
 * command the room accepts is sent to every connection of the room, so beyond these it costs the room's
 * command budget in proportion: a room of 36 tabs spends 2.25 of it per command, and its accepted
 * commands cost the node no more frames a second than such a meeting's.
 */
export const MEETING_CONNECTIONS = 16;

/** What one command costs its room's budget: one, or more once the room reaches more connections than a meeting. */
export const roomCommandCost = (connections: number): number =>
  Math.max(1, connections / MEETING_CONNECTIONS);

/**
 * HT-9: the snapshot text one room may be sent per node, all its seats together, in characters of JSON:
 * a snapshot costs the server and the network in proportion to its size, so a room's share is bounded
 * in bytes, not only in syncs. A meeting's snapshot is some 10 to 50 KB: its syncs are held by their
 * count long before; a room at its text bound (256 KB of text, about 400 KB of JSON) gets a few at once
 * and then one every second or so. Welcomes are counted too but never refused (a seat must get its
 * room); the syncs that follow wait until the debt is repaid.
 */
export const SNAPSHOT_BUDGET = { burst: 2 * 1024 * 1024, perSecond: 512 * 1024 } as const;

/**
 * A seat's buckets on this node, one object (no record of buckets beside it): each bucket is made at the
 * first event of its kind, a bucket not made yet being a full one (it would have refilled).
 */
class Held {
  connections = 1;
  command: TokenBucket | undefined = undefined;
  sync: TokenBucket | undefined = undefined;
  ping: TokenBucket | undefined = undefined;
  other: TokenBucket | undefined = undefined;
}

/** A room's: its own buckets, its seats' by participant id, its snapshot budget and last snapshot's size (HT-9). */
class RoomHeld extends Held {
  readonly seats = new Map<string, Held>();
  snapshots: { bucket: TokenBucket; lastChars: number } | undefined = undefined;
}

/**
 * HT-3: budgets per seat and per room: every connection of one seat on this node draws from the seat's
 * buckets, so a seat opened in 30 tabs sends no more than one; commands and syncs also draw from the
 * room's, so a room full of such seats costs no more than a busy meeting. Buckets live while a
 * connection of theirs is here, and are made full at the first event of their kind (most seats never
 * sync nor send an unknown event: no bucket is kept for them). A seat is found in its room by its
 * participant id (no key string per connection). Token buckets are hand-made (tokenBucket.ts): a few
 * arithmetic operations on every inbound event, where a library's promise-based limiter would allocate
 * per call.
 */
export class SeatBudgets {
  private readonly rooms = new Map<string, RoomHeld>();
  private readonly roomSizes: Partial<BudgetSizes>;

  constructor(private readonly sizes: BudgetSizes) {
    this.roomSizes = roomBudgets(sizes.command);
  }

  /** A connection of `seat` (a participant id) in room `code` opened: it shares the seat's and the room's buckets. */
  open(code: string, seat: string): void {
    let room = this.rooms.get(code);
    if (room) room.connections++;
    else {
      room = new RoomHeld();
      this.rooms.set(code, room);
    }
    const mine = room.seats.get(seat);
    if (mine) mine.connections++;
    else room.seats.set(seat, new Held());
  }

  close(code: string, seat: string): void {
    const room = this.rooms.get(code);
    if (!room) return;
    const mine = room.seats.get(seat);
    if (mine && --mine.connections <= 0) room.seats.delete(seat);
    if (--room.connections <= 0) this.rooms.delete(code);
  }

  /** Takes one from the seat's budget of this kind (and the room's, if it has one); false when spent. */
  take(code: string, seat: string, kind: BudgetKind, now: number): boolean {
    const room = this.rooms.get(code);
    const mine = room?.seats.get(seat);
    if (!room || !mine || !bucketOf(mine, kind, this.sizes[kind], now).take(now)) return false;
    const size = this.roomSizes[kind];
    if (!size) return true;
    return bucketOf(room, kind, size, now).take(
      now,
      kind === 'command' ? roomCommandCost(room.connections) : 1,
    );
  }

  /**
   * A snapshot for the room, before it is made (HT-9): null when the room's snapshot budget is in debt
   * (refused), else what was set aside from it: the size of the room's last snapshot, so that syncs in
   * flight together are paid for before any of them is sent. `sent` settles it.
   */
  reserve(code: string, now: number): number | null {
    const room = snapshotsOf(this.rooms.get(code), now);
    if (!room) return 0;
    if (!room.bucket.has(now)) return null;
    room.bucket.spend(now, room.lastChars);
    return room.lastChars;
  }

  /**
   * A snapshot of `chars` characters was sent to the room (`reserved` set aside for it, 0 for a welcome);
   * 0 characters: none was sent after all, what was set aside is given back.
   */
  sent(code: string, chars: number, reserved: number, now: number): void {
    const room = snapshotsOf(this.rooms.get(code), now);
    if (!room) return;
    if (chars > 0) room.lastChars = chars;
    room.bucket.spend(now, chars - reserved);
  }
}

function bucketOf(
  held: Held,
  kind: BudgetKind,
  size: { burst: number; perSecond: number },
  now: number,
): TokenBucket {
  let bucket = held[kind];
  if (!bucket) {
    bucket = new TokenBucket(size.burst, size.perSecond, now);
    held[kind] = bucket;
  }
  return bucket;
}

function snapshotsOf(room: RoomHeld | undefined, now: number): RoomHeld['snapshots'] {
  if (room && !room.snapshots)
    room.snapshots = {
      bucket: new TokenBucket(SNAPSHOT_BUDGET.burst, SNAPSHOT_BUDGET.perSecond, now),
      lastChars: 0,
    };
  return room?.snapshots;
}
