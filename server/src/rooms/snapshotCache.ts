import { privateView, publicView, type Room, type RoomView, withoutBuiltInTexts } from '@cercle/shared';
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
    {
      room: Room;
      view: EncodedJson | null;
      lean: EncodedJson | null;
      /** The last views encoded of this room (of an earlier version maybe), key by key: `viewText`. */
      parts: { full?: ViewParts; lean?: ViewParts };
    }
  >();
  /** Public views encoded so far (one per room version however many snapshots of it: HT-8 tests it). */
  encodedViews = 0;

  /** A version of the room, stored or read by this node: kept unless an older one than the kept one. */
  remember(room: Room): void {
    const kept = this.rooms.get(room.code);
    if (kept && kept.room.version >= room.version) return;
    this.rooms.delete(room.code);
    this.rooms.set(room.code, { room, view: null, lean: null, parts: kept?.parts ?? {} });
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
    const variant = lean ? 'lean' : 'full';
    const parts = viewText(room, lean, current?.parts[variant]);
    const view = new EncodedJson(parts.text);
    this.encodedViews++;
    if (current) {
      current.parts[variant] = parts;
      if (lean) current.lean = view;
      else current.view = view;
    }
    return view;
  }

  forget(code: string): void {
    this.rooms.delete(code);
  }
}

/** A room's public view as JSON text, and the text of each of its keys, for the next version's. */
type ViewParts = { room: Room; keys: Map<string, string>; text: string };

/** Keys of a room its public view does not copy as they are (VW-1: private; or viewed: `publicView`). */
const NOT_COPIED = new Set(['participants', 'cards', 'logbooks', 'facilitatorKeyHash', 'topicRound']);
const NO_ENTRIES = {};

/**
 * `JSON.stringify(publicView(room))` (or of `withoutBuiltInTexts` of it, `lean`), byte for byte, made key
 * by key: a key whose fields are the very objects of the room `before` was encoded from has the text it
 * had then (the engine never mutates a room and keeps what it did not change by reference: VW-9). A
 * join re-encodes the seats and the version, not the phases, texts and cards of the room; every
 * welcome of a join storm encoded the whole view before (HT-8 shares it only within one version).
 */
export function viewText(room: Room, lean: boolean, before?: ViewParts): ViewParts {
  const now = room as unknown as Record<string, unknown>;
  const was = before?.room as unknown as Record<string, unknown> | undefined;
  const old = before?.keys;
  const keys = new Map<string, string>();
  let text = '';
  const add = (key: string, kept: boolean, value: () => unknown) => {
    let part = kept ? old?.get(key) : undefined;
    if (part === undefined) {
      const json = JSON.stringify(value());
      part = json === undefined ? '' : `${JSON.stringify(key)}:${json}`;
    }
    keys.set(key, part);
    if (part) text += text ? `,${part}` : part;
  };
  const same = (key: string) => was !== undefined && was[key] === now[key];
  // What `withoutBuiltInTexts` leaves of the method's texts, made only when the template or phases changed.
  let leanTexts: { template: unknown; phases: unknown } | undefined;
  const leanOf = () =>
    (leanTexts ??= withoutBuiltInTexts({ template: room.template, phases: room.phases } as RoomView));
  for (const key of Object.keys(now)) {
    if (NOT_COPIED.has(key)) continue;
    if (lean && key === 'template') add(key, same('template'), () => leanOf().template);
    else if (lean && key === 'phases') add(key, same('phases') && same('template'), () => leanOf().phases);
    else add(key, same(key), () => now[key]);
  }
  // The viewed keys, after the others as `publicView` puts them; only those that changed are viewed.
  const seats = same('participants');
  const cards = same('cards');
  const round = seats && same('topicRound');
  const viewed = publicView({
    participants: seats && round ? NO_ENTRIES : room.participants,
    cards: cards ? NO_ENTRIES : room.cards,
    topicRound: round ? null : room.topicRound,
  } as unknown as Room);
  add('participants', seats, () => viewed.participants);
  add('cards', cards, () => viewed.cards);
  add('topicRound', round, () => viewed.topicRound);
  return { room, keys, text: `{${text}}` };
}
