import { privateView, publicView, type Room } from '@cercle/shared';
import { EncodedJson, jsonObject } from '../realtime/encodedJson.js';

/** Rooms whose last public view's text is kept for snapshots. */
const ROOMS = 1_000;

/** A snapshot as sent: its version, and `{ version, view, mine }` as JSON text. */
export type EncodedSnapshot = { version: number; json: EncodedJson };

/**
 * HT-8: the public view of a room is computed and encoded to JSON once per room version and shared by
 * every snapshot of that version (`room:sync`, welcomes): a snapshot's text is that view's text with the
 * viewer's private part (their seat and logbook, small) encoded around it. The view is a pure function
 * of the room, and a room's version changes with every stored change, so (code, version) names one view.
 */
export class SnapshotCache {
  private readonly views = new Map<string, { version: number; json: EncodedJson }>();
  /** Public views encoded so far (one per room version however many snapshots of it: HT-8 tests it). */
  encodedViews = 0;

  of(room: Room, participantId: string): EncodedSnapshot {
    const json = jsonObject({
      version: room.version,
      view: this.publicViewOf(room),
      mine: privateView(room, participantId),
    });
    return { version: room.version, json };
  }

  private publicViewOf(room: Room): EncodedJson {
    const cached = this.views.get(room.code);
    if (cached?.version === room.version) return cached.json;
    const json = new EncodedJson(JSON.stringify(publicView(room)));
    this.encodedViews++;
    if (cached && cached.version > room.version) return json; // an older copy: do not replace a newer one
    this.views.delete(room.code);
    this.views.set(room.code, { version: room.version, json });
    if (this.views.size > ROOMS) this.views.delete(this.views.keys().next().value!);
    return json;
  }

  forget(code: string): void {
    this.views.delete(code);
  }
}
