import { privateView, publicView, type Room, type RoomView, type Snapshot } from '@cercle/shared';

/** Rooms whose last public view is kept for snapshots. */
const ROOMS = 1_000;

/**
 * HT-5: the public view of a room is computed once per room version and shared by every snapshot of
 * that version (`room:sync`, welcomes); only the viewer's private part (their seat and logbook, small)
 * is made per snapshot. The view is a pure function of the room, and a room's version changes with
 * every stored change, so (code, version) names one view.
 */
export class SnapshotCache {
  private readonly views = new Map<string, { version: number; view: RoomView }>();

  of(room: Room, participantId: string): Snapshot {
    return { version: room.version, view: this.publicViewOf(room), mine: privateView(room, participantId) };
  }

  private publicViewOf(room: Room): RoomView {
    const cached = this.views.get(room.code);
    if (cached?.version === room.version) return cached.view;
    const view = publicView(room);
    if (cached && cached.version > room.version) return view; // an older copy: do not replace a newer one
    this.views.delete(room.code);
    this.views.set(room.code, { version: room.version, view });
    if (this.views.size > ROOMS) this.views.delete(this.views.keys().next().value!);
    return view;
  }

  forget(code: string): void {
    this.views.delete(code);
  }
}
