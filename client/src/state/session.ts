import type { Command, ErrorCode, PrivateView, RoomView } from '@cercle/shared';
import { computed, signal } from '@preact/signals';

/** Where this page is in joining a room. */
export type Stage =
  | 'form' // asking for a name
  | 'joining' // handshake under way
  | 'waiting' // locked room: seat held, waiting for the facilitator
  | 'in_room'
  | 'closed'; // ended, purged or removed; `endReason` says which

/** The connection as people should understand it. */
export type Link = 'connecting' | 'online' | 'reconnecting';

export const stage = signal<Stage>('form');
export const link = signal<Link>('connecting');
export const joinError = signal<ErrorCode | null>(null);
export const endReason = signal<'ended' | 'purged' | 'removed' | 'lost' | null>(null);

export const roomCode = signal<string>('');
export const participantId = signal<string | null>(null);
export const version = signal(0);
export const view = signal<RoomView | null>(null);
export const mine = signal<PrivateView | null>(null);

/** A command that was refused or could not be stored: shown as "not sent" with the reason in words. */
export type Failure = { id: string; type: string; code: ErrorCode };
export const failures = signal<Failure[]>([]);
/** Commands sent and not yet acknowledged: drawn as "sending" so nothing typed seems lost meanwhile. */
export const pendingCommands = signal<{ id: string; command: Command }[]>([]);
export const pendingCount = computed(() => pendingCommands.value.length);

export const me = computed(() => {
  const v = view.value;
  const id = participantId.value;
  if (!v || !id) return null;
  return v.participants[id] ?? null;
});

export function dismissFailure(id: string): void {
  failures.value = failures.value.filter((f) => f.id !== id);
}
