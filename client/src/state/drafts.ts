import { computed, signal } from '@preact/signals';
import { useLayoutEffect } from 'preact/hooks';
import { roomCode } from './session.js';

/**
 * Nothing typed is lost (SPEC PG-1): every text box keeps its draft in this browser, per room and per box
 * (localStorage), across phase changes, reloads and dropped connections. Drafts never leave the browser
 * (the logbook's included: its words are sealed before they are sent, LG-5).
 *
 * A key is a box (`post`, `learning`, `statement.client_request`, `logbook`...), or a box with a suffix:
 * - `<box>~sending~<n>`: words sent and not yet acknowledged. Dropped on an acknowledgement; a refusal
 *   puts them back in their box (or, if something new was typed there meanwhile, on the shelf); a reload
 *   meanwhile finds them on the shelf (the page that sent them is gone, the command may not be stored).
 * - `<box>~kept~<n>`: words set aside on the shelf, waiting to be used.
 * A draft whose box is not drawn now (its phase moved on) is on the shelf (`keptDrafts`) too, readable,
 * copyable into the logbook, and back in its box when the box opens again.
 */
const prefix = (code: string) => `cercle.draft.${code}.`;
const sendingMark = '~sending~';
const keptMark = '~kept~';

/** The box a draft key belongs to. */
export const boxOf = (key: string): string => key.split('~')[0] ?? key;

/** Every draft of the current room, by key. */
const drafts = signal<Record<string, string>>({});
/** The boxes drawn on the page right now, with how many copies of each (a box may be drawn twice). */
const openBoxes = signal<Record<string, number>>({});
/** Keys sent by this page and waiting for their acknowledgement (not on the shelf meanwhile). */
const inFlight = new Set<string>();
let loadedFor = '';
let counter = 0;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage blocked: drafts last as long as the page
  }
}

function store(key: string, text: string, keepEmpty: boolean): void {
  try {
    if (text === '' && !keepEmpty) storage()?.removeItem(prefix(roomCode.value) + key);
    else storage()?.setItem(prefix(roomCode.value) + key, text);
  } catch {
    // storage full: the draft still lives in the page
  }
}

function ensureLoaded(): void {
  const code = roomCode.value;
  if (!code || loadedFor === code) return;
  loadedFor = code;
  const found: Record<string, string> = {};
  const s = storage();
  const p = prefix(code);
  if (s) {
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (key?.startsWith(p)) found[key.slice(p.length)] = s.getItem(key) ?? '';
    }
  }
  drafts.value = found;
}

/** Stores a draft; an empty one is dropped, unless `keepEmpty` (a box emptied on purpose over a fallback). */
/** Erases every draft of a room from this browser (the room was erased: nothing of it stays, AP/OP rules). */
export function forgetDrafts(code: string): void {
  const s = storage();
  const p = prefix(code);
  try {
    const keys: string[] = [];
    for (let i = 0; s && i < s.length; i++) {
      const key = s.key(i);
      if (key?.startsWith(p)) keys.push(key);
    }
    for (const key of keys) s?.removeItem(key);
  } catch {
    // storage blocked: nothing was kept there
  }
  if (loadedFor === code) drafts.value = {};
}

// Another tab of this browser in the same room: its typing shows here too, so neither overwrites the other.
window.addEventListener('storage', (event) => {
  const p = loadedFor ? prefix(loadedFor) : null;
  if (!p || !event.key?.startsWith(p)) return;
  const key = event.key.slice(p.length);
  const next = { ...drafts.value };
  if (event.newValue === null) delete next[key];
  else next[key] = event.newValue;
  drafts.value = next;
});

function put(key: string, text: string, keepEmpty = false): void {
  ensureLoaded();
  const next = { ...drafts.value };
  if (text === '' && !keepEmpty) delete next[key];
  else next[key] = text;
  drafts.value = next;
  store(key, text, keepEmpty);
}

export function readDraft(box: string): string {
  ensureLoaded();
  return drafts.value[box] ?? '';
}

/** Does this box hold a draft (an empty one included: a field emptied on purpose)? */
export function hasDraft(box: string): boolean {
  ensureLoaded();
  return Object.hasOwn(drafts.value, box);
}

export function writeDraft(box: string, text: string): void {
  put(box, text);
}

/** A text box's content, kept as a draft: read it, set it; it is saved as it is typed. */
export type Draft = { value: string; set: (text: string) => void; clear: () => void };

/**
 * The draft of one box, and the box is marked open while the calling component is drawn. `fallback` is
 * what the box shows when there is no draft (a statement already written, an evaluation already sent).
 */
export function useDraft(box: string, fallback = ''): Draft {
  // A layout effect, not an effect: the box is marked open in the same task as it is drawn, so the shelf
  // never shows its words beside the box that holds them (an effect waits for the next frame).
  useLayoutEffect(() => {
    openBoxes.value = { ...openBoxes.value, [box]: (openBoxes.value[box] ?? 0) + 1 };
    return () => {
      const count = (openBoxes.value[box] ?? 1) - 1;
      const next = { ...openBoxes.value };
      if (count <= 0) delete next[box];
      else next[box] = count;
      openBoxes.value = next;
    };
  }, [box]);
  ensureLoaded();
  const stored = drafts.value[box];
  return {
    value: stored ?? fallback,
    // Emptied by hand over a fallback: kept as an empty draft, or the fallback would come back.
    set: (text) => put(box, text, fallback !== ''),
    clear: () => writeDraft(box, ''),
  };
}

/** Is this box drawn on the page now? */
export const isBoxOpen = (box: string): boolean => (openBoxes.value[box] ?? 0) > 0;

/** Boxes whose words never go on the shelf: the logbook's stay in the logbook, out of a shared screen. */
const privateBox = (box: string) => box === 'logbook' || box.startsWith('logbook-edit.');

/**
 * The shelf: words not in an open box (their box closed with the phase, or they came back from a failed
 * send while the box held new words, or a reload found them still sending). Never dropped by the page.
 */
export const keptDrafts = computed(() => {
  ensureLoaded();
  const open = openBoxes.value;
  return Object.entries(drafts.value)
    .filter(
      ([key, text]) =>
        text.trim() !== '' &&
        !inFlight.has(key) &&
        !privateBox(boxOf(key)) &&
        !(key === boxOf(key) && open[key]),
    )
    .map(([key, text]) => ({ key, box: boxOf(key), text }));
});

/** Removes one draft (the writer threw it away, or it was used). */
export function discardDraft(key: string): void {
  put(key, '');
}

/** Adds words to a box's draft, after what it holds (a blank line between). */
export function appendToDraft(box: string, text: string): void {
  const current = readDraft(box).trimEnd();
  writeDraft(box, current ? `${current}\n\n${text}` : text);
}

/** Puts words on the shelf under their box. */
function shelve(box: string, text: string): void {
  put(`${box}${keptMark}${Date.now()}-${counter++}`, text);
}

/**
 * Sends what boxes hold. The boxes empty at once (the words show as "sending"), the words are kept in
 * this browser until the server acknowledges them as stored; refused or not stored, they go back into
 * their boxes, or onto the shelf when something new was typed there meanwhile. Never lost.
 */
export function sendDrafts<T extends { ok: boolean }>(
  entries: readonly (readonly [box: string, text: string])[],
  send: () => Promise<T>,
): Promise<T | null> {
  const tag = `${Date.now()}-${counter++}`;
  const keys = entries.map(([box, text]) => {
    const key = `${box}${sendingMark}${tag}`;
    inFlight.add(key);
    put(key, text);
    put(box, '');
    return key;
  });
  const settle = (ok: boolean) => {
    entries.forEach(([box, text], i) => {
      const key = keys[i] ?? '';
      inFlight.delete(key);
      put(key, '');
      if (ok || text.trim() === '') return;
      if (readDraft(box) === '') writeDraft(box, text);
      else shelve(box, text);
    });
  };
  return send().then(
    (ack) => {
      settle(ack.ok);
      return ack;
    },
    () => {
      settle(false);
      return null;
    },
  );
}

/** Sends what one box holds: see `sendDrafts`. */
export function sendDraft<T extends { ok: boolean }>(
  box: string,
  text: string,
  send: () => Promise<T>,
): Promise<T | null> {
  return sendDrafts([[box, text]], send);
}
