import type { FastifyBaseLogger } from 'fastify';
import type { RoomStore } from '../store/interface.js';
import type { RoomPublisher } from './publisher.js';

export type RoomWatchOptions = {
  store: Pick<RoomStore, 'versions'>;
  /** The codes of the rooms with a connection on this node. */
  localRooms: () => string[];
  /**
   * The last version of a room whose patch this node itself sent to its people there: not announced
   * again (they have it, or a snapshot as recent). Without it every changed version is announced.
   */
  toldHere?: (code: string) => number | undefined;
  /**
   * Forgets what `toldHere` remembers of every room but these (the rooms with people here, taken at the
   * start of each look): that memory is kept for all of them, whatever their number, and no other.
   */
  forgetTold?: (local: ReadonlySet<string>) => void;
  /**
   * Whether this node has a command for the room at the store, its outcome not back yet: a version read
   * meanwhile may be that command's, whose patch is still to go out from here (a busy node reads the
   * store's reply late). Such a room is looked at again next time rather than announced.
   */
  writingHere?: (code: string) => boolean;
  /** How the watch reaches this node's people (read at each tick: the app sets it after start). */
  publisher: () => RoomPublisher;
  logger: FastifyBaseLogger;
  /** How often the stored versions are read. Default 1,000 ms. */
  intervalMs?: number;
  /** How long /readyz says `store_lost` after a loss. Default 60,000 ms. */
  lostReadyMs?: number;
  now?: () => number;
};

/** Polls in a row that must find a room missing before it counts as lost (a purge closes its sockets first). */
const MISSING_POLLS = 2;

/**
 * Every node watches the rooms its people are in (SPEC SR-2, SR-3): once a second it reads their stored
 * versions in one round trip, off the command path (`RoomStore.versions`), and
 * - announces a room's version to its people here (`room:version`) when it changed since the last look,
 *   unless this node sent that version's patch itself, or a later one: a client behind it (a patch published by a node
 *   that died right after storing, or lost on the way) asks for a snapshot. So every stored change
 *   reaches every client within about 2 s, whatever became of the node that stored it. A room this node
 *   was writing to during the look waits for the next look: the version read may be its own, its patch
 *   still queued here, and announcing it would send every client there for a snapshot it does not
 *   need (a later patch from here shows a client any gap; once the writes stop, the next look says it);
 * - tells the room's people here that it is lost (`session:ended { reason: 'lost' }`) when the room is
 *   missing from the store two looks in a row while they are connected (a store that came back empty, a
 *   flushed key), logs it at error level (a count, never a code) and makes /readyz answer `store_lost`
 *   for `lostReadyMs`.
 * A look that fails (store unavailable) judges nothing.
 */
export class RoomWatch {
  private readonly told = new Map<string, number>();
  private readonly missing = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly lostReadyMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private looking: Promise<void> | null = null;
  private lostAt: number | null = null;

  constructor(private readonly options: RoomWatchOptions) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.lostReadyMs = options.lostReadyMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.looking ??= this.look().finally(() => {
        this.looking = null;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.looking;
  }

  /** True for a while after this node found rooms lost (for /readyz). */
  get storeLost(): boolean {
    return this.lostAt !== null && this.now() - this.lostAt < this.lostReadyMs;
  }

  /** One look at every local room (exposed for tests). */
  async look(): Promise<void> {
    const codes = this.options.localRooms();
    const seen = new Set(codes);
    // Before the read: a room whose first person comes meanwhile keeps the version its join told.
    this.options.forgetTold?.(seen);
    if (codes.length === 0) {
      this.told.clear();
      this.missing.clear();
      return;
    }
    // Rooms written to when the look began: their outcome may come back only after the read.
    const writing = this.options.writingHere;
    const wasWriting = new Set(writing ? codes.filter((code) => writing(code)) : []);
    let versions: (number | null)[];
    try {
      versions = await this.options.store.versions(codes);
    } catch {
      return; // unavailable: nothing known, nothing judged
    }
    const publisher = this.options.publisher();
    let lost = 0;
    codes.forEach((code, i) => {
      const version = versions[i];
      if (version === null || version === undefined) {
        const looks = (this.missing.get(code) ?? 0) + 1;
        if (looks < MISSING_POLLS) {
          this.missing.set(code, looks);
          return;
        }
        this.missing.delete(code);
        this.told.delete(code);
        lost++;
        publisher.lost(code);
        return;
      }
      this.missing.delete(code);
      if (this.told.get(code) === version) return;
      // Each patch already carries its version: only a version above the last this node sent needs
      // saying. One at or below it (read just before this node's next write was stored, its reply read
      // after) is old news: this node's people have a later patch, which shows any gap before it.
      const toldHere = this.options.toldHere?.(code);
      if (toldHere !== undefined && version <= toldHere) {
        this.told.set(code, version);
        return;
      }
      if (writing && (writing(code) || wasWriting.has(code))) return; // said next time if still untold
      this.told.set(code, version);
      publisher.version(code, version);
    });
    for (const code of this.told.keys()) if (!seen.has(code)) this.told.delete(code);
    for (const code of this.missing.keys()) if (!seen.has(code)) this.missing.delete(code);
    if (lost > 0) {
      this.lostAt = this.now();
      this.options.logger.error(
        { event: 'rooms_lost', rooms: lost },
        'rooms vanished from the store while people were connected',
      );
    }
  }
}
