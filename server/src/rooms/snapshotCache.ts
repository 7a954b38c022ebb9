import { privateView, publicView, type Room, withoutBuiltInTexts } from '@cercle/shared';
import { EncodedJson, jsonObject } from '../realtime/encodedJson.js';

/** Rooms whose last version is kept for snapshots. */
const ROOMS = 1_000;

/** A snapshot as sent: its version, and `{ version, view, mine }` as JSON text. */
export type EncodedSnapshot = { version: number; json: EncodedJson };

/**
 * HT-8: the last version of each room this node stored or read, and its public view encoded to JSON
 * once, shared by every snapshot of that version (`room:sync`, welcomes): a snapshot's text is that
 * view's text with the viewer's private part (their seat and logbook, small) encoded around it. The
 * room is the very object the store and the broadcaster hold (the engine never mutates a room), so
 * keeping it costs no copy; with it, a snapshot of the version the store's header names needs no read
 * of the room itself. A room's version changes with every stored change, so (code, version) names one
 * room and one view.
 */
export class SnapshotCache {
  private readonly rooms = new Map<
    string,
    { room: Room; view: EncodedJson | null; lean: EncodedJson | null }
  >();
  /** Public views encoded so far (one per room version however many snapshots of it: HT-8 tests it). */
  encodedViews = 0;

  /**
   * A version of the room, stored or read by this node: kept unless an older one than the kept one. A
   * room already kept is updated in place (every write comes here): rooms are forgotten in the order
   * first kept, and a busy room forgotten is kept again at its next write.
   */
  remember(room: Room): void {
    const kept = this.rooms.get(room.code);
    if (kept) {
      if (kept.room.version >= room.version) return;
      kept.room = room;
      kept.view = null;
      kept.lean = null;
      return;
    }
    this.rooms.set(room.code, { room, view: null, lean: null });
    if (this.rooms.size > ROOMS) this.rooms.delete(this.rooms.keys().next().value!);
  }

  /** The version of the room kept, if any: the last this node stored or read. */
  keptVersion(code: string): number | undefined {
    return this.rooms.get(code)?.room.version;
  }

  /** The room at `version`, if that is the version kept. */
  at(code: string, version: number): Room | null {
    const kept = this.rooms.get(code);
    return kept?.room.version === version ? kept.room : null;
  }

  /** `lean`: the view without the built-in texts, for a connection that holds them (VW-10). */
  of(room: Room, participantId: string, lean = false): EncodedSnapshot {
    const json = jsonObject({
      version: room.version,
      view: this.publicViewOf(room, lean),
      mine: privateView(room, participantId),
    });
    return { version: room.version, json };
  }

  private publicViewOf(room: Room, lean: boolean): EncodedJson {
    this.remember(room);
    const kept = this.rooms.get(room.code);
    const current = kept && kept.room.version === room.version ? kept : null; // not an older copy
    const held = lean ? current?.lean : current?.view;
    if (held) return held;
    const full = publicView(room);
    const text = JSON.stringify(lean ? withoutBuiltInTexts(full) : full);
    // Kept while the room's version is: V8 hands a long text out as a tree of its parts, which reading
    // a character turns into one flat text in place (some 300 B less per room). Its value is checked, so
    // that no compiler drops the read.
    if (text.charCodeAt(0) !== 0x7b) throw new Error('a view is a JSON object');
    const view = new EncodedJson(text);
    this.encodedViews++;
    if (current) {
      if (lean) current.lean = view;
      else current.view = view;
    }
    return view;
  }

  forget(code: string): void {
    this.rooms.delete(code);
  }
}
