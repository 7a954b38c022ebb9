import { computed, signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { roomCode } from './session.js';

/**
 * Nothing typed is lost: every text box keeps its draft in this browser, per room and per box
 * (localStorage), across phase changes, reloads and dropped connections. A draft goes only when what it
 * holds was sent and stored, or when its writer throws it away. When a box closes (its phase moves on),
 * its draft stays on the shelf (`lockedDrafts`), readable, copyable into the logbook, and back in the box
 * when it opens again.
 */
const prefix = (code: string) => `cercle.draft.${code}.`;

/** Every draft of the current room, by box. */
const drafts = signal<Record<string, string>>({});
/** The boxes drawn on the page right now, with how many copies of each (a box may be drawn twice). */
const openBoxes = signal<Record<string, number>>({});
let loadedFor = '';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage blocked: drafts last as long as the page
  }
}

function ensureLoaded(): void {
  const code = roomCode.value;
  if (!code || loadedFor === code) return;
  loadedFor = code;
  const found: Record<string, string> = {};
  const store = storage();
  const p = prefix(code);
  if (store) {
    for (let i = 0; i < store.length; i++) {
      const key = store.key(i);
      if (key?.startsWith(p)) found[key.slice(p.length)] = store.getItem(key) ?? '';
    }
  }
  drafts.value = found;
}

export function readDraft(box: string): string {
  ensureLoaded();
  return drafts.value[box] ?? '';
}

export function writeDraft(box: string, text: string): void {
  ensureLoaded();
  const next = { ...drafts.value };
  if (text === '') delete next[box];
  else next[box] = text;
  drafts.value = next;
  try {
    if (text === '') storage()?.removeItem(prefix(roomCode.value) + box);
    else storage()?.setItem(prefix(roomCode.value) + box, text);
  } catch {
    // storage full: the draft still lives in the page
  }
}

/** A text box's content, kept as a draft: read it, set it; it is saved as it is typed. */
export type Draft = { value: string; set: (text: string) => void; clear: () => void };

/**
 * The draft of one box, and the box is marked open while the calling component is drawn. `fallback` is
 * what the box shows when there is no draft (a statement already written, an evaluation already sent).
 */
export function useDraft(box: string, fallback = ''): Draft {
  useEffect(() => {
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
    set: (text) => writeDraft(box, text),
    clear: () => writeDraft(box, ''),
  };
}

/** Drafts whose box is not on the page now (closed in this phase): shown on the shelf, never dropped. */
export const lockedDrafts = computed(() => {
  ensureLoaded();
  const open = openBoxes.value;
  return Object.entries(drafts.value).filter(([box, text]) => text.trim() !== '' && !open[box]);
});

/**
 * Sends what a box holds; the draft is cleared at once (the words show as "sending") and put back if the
 * command was refused or could not be stored, unless something new was typed meanwhile.
 */
export function sendDraft<T extends { ok: boolean }>(
  box: string,
  text: string,
  send: () => Promise<T>,
): void {
  writeDraft(box, '');
  void send().then((ack) => {
    if (!ack.ok && readDraft(box) === '') writeDraft(box, text);
  });
}
