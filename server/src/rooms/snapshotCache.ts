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
    const view = new EncodedJson(encodeView(lean ? withoutBuiltInTexts(full) : full));
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

/** The JSON text of a template or a phase list, made once per object (rooms of one method share them). */
const sharedTexts = new WeakMap<object, string>();

function sharedText(value: object): string {
  let text = sharedTexts.get(value);
  if (text === undefined) {
    text = flat(JSON.stringify(value));
    sharedTexts.set(value, text);
  }
  return text;
}

/**
 * V8 hands a long JSON text out as a tree of its parts; reading a character turns it into one flat text
 * in place (some 300 B less per room kept). Its value is checked, so that no compiler drops the read.
 */
function flat(text: string): string {
  if (text.charCodeAt(0) !== 0x7b && text.charCodeAt(0) !== 0x5b)
    throw new Error('not a JSON object or list');
  return text;
}

/**
 * `JSON.stringify(view)`, the very same text, kept as the room's own parts around its `template` and
 * `phases` texts, which are made once per object: the rooms of one method share those objects (SR-6,
 * the lean ones too, VW-10), so a room's kept text holds only what is its own (a built-in method's
 * template and phases are some 1.7 KB of a lobby's 3 KB). The text is a chain of a few joined parts:
 * nothing flattens it while it is kept (a packet's text around it is made anew for each send).
 */
export function encodeView(view: object): string {
  const entries = Object.entries(view);
  const at = entries.findIndex(([key]) => key === 'template');
  const template = entries[at]?.[1];
  const phases = entries[at + 1]?.[1];
  if (
    at < 0 ||
    entries[at + 1]?.[0] !== 'phases' ||
    typeof template !== 'object' ||
    template === null ||
    !Array.isArray(phases)
  )
    return flat(JSON.stringify(view));
  const before = flat(JSON.stringify(Object.fromEntries(entries.slice(0, at))));
  const after = flat(JSON.stringify(Object.fromEntries(entries.slice(at + 2))));
  const head = before.length > 2 ? `${before.slice(0, -1)},` : '{';
  const tail = after.length > 2 ? `,${after.slice(1)}` : '}';
  return `${head}"template":${sharedText(template)},"phases":${sharedText(phases)}${tail}`;
}
