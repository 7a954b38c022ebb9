import { signal } from '@preact/signals';
import { isLogbookSecret, logbookKey, newLogbookSecret } from './crypto.js';

/**
 * Where logbook secrets live (SPEC LG-6): in this browser's localStorage only, never sent anywhere. A ring
 * per room seat (`cercle.logbook.room.<code>`) and per circle membership (`cercle.logbook.circle.<id>`),
 * oldest first, the last one being the one new entries are sealed with. Earlier secrets stay, so entries
 * sealed before a link was reissued still open on this device (and only on a device that kept them).
 */
const roomRing = (code: string) => `cercle.logbook.room.${code}`;
const circleRing = (circleId: string) => `cercle.logbook.circle.${circleId}`;

/** Bumped whenever a ring changes, so entries that no key opened are tried again. */
export const ringVersion = signal(0);

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Kept for this page when localStorage is blocked (private mode): the logbook then lasts as the tab does. */
const fallback = new Map<string, string[]>();

function read(name: string): string[] {
  const raw = storage()?.getItem(name) ?? null;
  if (raw === null) return fallback.get(name) ?? [];
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list)
      ? list.filter((s): s is string => typeof s === 'string' && isLogbookSecret(s))
      : [];
  } catch {
    return [];
  }
}

function write(name: string, list: string[]): void {
  fallback.set(name, list);
  try {
    storage()?.setItem(name, JSON.stringify(list));
  } catch {
    // storage full or blocked: kept for this page only
  }
  ringVersion.value++;
}

/** Puts `secret` last (the current one), keeping every earlier one. */
function adopt(name: string, secret: string): void {
  if (!isLogbookSecret(secret)) return;
  const list = read(name);
  if (list.at(-1) === secret) return;
  write(name, [...list.filter((s) => s !== secret), secret]);
}

export const roomSecrets = (code: string): string[] => read(roomRing(code));
export const circleSecrets = (circleId: string): string[] => read(circleRing(circleId));
export const adoptRoomSecret = (code: string, secret: string) => adopt(roomRing(code), secret);
export const adoptCircleSecret = (circleId: string, secret: string) => adopt(circleRing(circleId), secret);

/** The seat's current secret; a seat that has none yet gets one made here, in this browser (LG-6). */
export function currentRoomSecret(code: string): string {
  const current = roomSecrets(code).at(-1);
  if (current) return current;
  const fresh = newLogbookSecret();
  adopt(roomRing(code), fresh);
  return fresh;
}

/**
 * A circle session's seat uses its member's circle secrets (LG-7): every one this browser holds, the
 * circle's current one last, so notes sealed in one session open in the next and on the circle's page.
 */
export function adoptCircleSecretsForRoom(code: string, circleId: string): void {
  const ring = circleSecrets(circleId);
  if (ring.length === 0) return;
  const own = roomSecrets(code).filter((s) => !ring.includes(s));
  write(roomRing(code), [...own, ...ring]);
}

/** Reads the logbook secret of a link (`lk=` in the fragment); the caller clears the fragment. */
export function logbookSecretFromHash(hash: string = window.location.hash): string | null {
  const match = /(?:^|[#&])lk=([A-Za-z0-9_-]{43})(?:&|$)/.exec(hash);
  return match?.[1] ?? null;
}

/** Forgets a ring (a member who left their circle, or erased it). */
export function forgetRing(kind: 'room' | 'circle', id: string): void {
  fallback.delete(kind === 'room' ? roomRing(id) : circleRing(id));
  try {
    storage()?.removeItem(kind === 'room' ? roomRing(id) : circleRing(id));
  } catch {
    // nothing to forget
  }
  ringVersion.value++;
}

const derived = new Map<string, Promise<CryptoKey>>();
/** The keys of a ring, newest first (the likeliest to open a recent note). Derived once per secret. */
export function keysOf(secrets: readonly string[]): Promise<CryptoKey[]> {
  return Promise.all(
    [...secrets].reverse().map((secret) => {
      let key = derived.get(secret);
      if (!key) {
        key = logbookKey(secret);
        derived.set(secret, key);
      }
      return key;
    }),
  );
}
