import { signal } from '@preact/signals';
import type { RoomFacts } from '../net/api.js';

/**
 * What the page knows of a room before (or beside) its live view: kept in state/, not in a screen, so
 * panels read it without importing screens (no screens <-> panels circle).
 */

/** Set by the home page right after creating a room: the facilitator lands with the invitation open. */
export const justCreated = signal<{ code: string; facilitatorKey: string | null } | null>(null);

/** What anyone with the code may know before joining (title, method); null while unknown or wrong. */
export const roomFacts = signal<RoomFacts | null>(null);
export const factsLoaded = signal(false);
