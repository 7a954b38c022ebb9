import type { LogbookEntry } from '@cercle/shared';
import { effect, signal } from '@preact/signals';
import { mine, roomCode } from '../state/session.js';
import { openNote, sealNote } from './crypto.js';
import { currentRoomSecret, keysOf, ringVersion, roomSecrets } from './keys.js';

/**
 * The page's side of the sealed logbook (SPEC LG-5, LG-6): the entries of my private view opened with
 * this seat's keys, and notes sealed before they leave. Keyed by the sealed text itself, so an entry is
 * opened once however often the view is redrawn.
 */
export const openedNotes = signal<ReadonlyMap<string, string | null>>(new Map());
const opening = new Set<string>();

async function openAll(code: string, entries: LogbookEntry[]): Promise<void> {
  const todo = entries.filter((e) => !opening.has(e.sealed) && !openedNotes.value.has(e.sealed));
  if (todo.length === 0) return;
  for (const entry of todo) opening.add(entry.sealed);
  const keys = await keysOf(roomSecrets(code));
  const results = await Promise.all(
    todo.map(async (e) => [e.sealed, await openNote(keys, e.sealed)] as const),
  );
  const next = new Map(openedNotes.value);
  for (const [sealed, text] of results) {
    next.set(sealed, text);
    opening.delete(sealed);
  }
  openedNotes.value = next;
}

effect(() => {
  const entries = Object.values(mine.value?.logbook ?? {});
  const code = roomCode.value;
  void ringVersion.value;
  if (code && entries.length > 0) void openAll(code, entries);
});

effect(() => {
  // A new key in the ring (a link opened here): what no key opened so far is tried again.
  void ringVersion.value;
  const current = openedNotes.peek();
  if ([...current.values()].some((text) => text === null))
    openedNotes.value = new Map([...current].filter(([, text]) => text !== null));
});

/** An entry's text: a string once opened, null when no key of this device opens it, undefined meanwhile. */
export function noteText(entry: LogbookEntry): string | null | undefined {
  return openedNotes.value.get(entry.sealed);
}

/** Seals a note for this room's seat with its current key; the text is known at once (no round trip). */
export async function sealForRoom(code: string, text: string): Promise<string> {
  const [key] = await keysOf([currentRoomSecret(code)]);
  const sealed = await sealNote(key!, text);
  openedNotes.value = new Map(openedNotes.value).set(sealed, text);
  return sealed;
}
