import {
  allowedCommands,
  type Command,
  type CommandType,
  currentPhase,
  isDriver,
  type Phase,
  permits,
  type Role,
} from '@cercle/shared';
import { computed } from '@preact/signals';
import { serverNow } from './clock.js';
import { me, mine, participantId, stage, view } from './session.js';

/**
 * What I may do now, from the same rules the server applies (the server still enforces them). Nothing
 * once the seat is gone (removed, the room erased): the page then only shows what it held.
 */
export const allowed = computed<Set<CommandType>>(() => {
  const v = view.value;
  const id = participantId.value;
  if (!v || !id || stage.value !== 'in_room') return new Set();
  return new Set(allowedCommands(v, id, serverNow()));
});

export const can = (type: CommandType): boolean => allowed.value.has(type);

/**
 * May I send exactly this command now (this card, this person, this phase)? The engine's policy on the
 * view this page holds, with my own anonymous cards: the same answer the server gives (VW-5).
 */
export function permitted(command: Command): boolean {
  const v = view.value;
  const id = participantId.value;
  if (!v || !id || stage.value !== 'in_room' || !allowed.value.has(command.type)) return false;
  return permits(v, { id, anonymousCardIds: mine.value?.seat?.anonymousCardIds }, command) === null;
}

export const phase = computed<Phase | null>(() => (view.value ? currentPhase(view.value) : null));
export const myRole = computed<Role | null>(() => me.value?.role ?? null);
export const amDriver = computed(() => {
  const v = view.value;
  const id = participantId.value;
  return Boolean(v && id && isDriver(v, id));
});
export const isPair = computed(() => view.value?.template.driver === 'any_member');

export const admittedPeople = computed(() =>
  Object.values(view.value?.participants ?? {})
    .filter((p) => p.admission === 'admitted')
    .sort((a, b) => a.joinedAt - b.joinedAt),
);
/** Seats released after their grace period (RM-7): shown as left, their link brings them back. */
export const releasedPeople = computed(() =>
  Object.values(view.value?.participants ?? {})
    .filter((p) => p.admission === 'released')
    .sort((a, b) => a.joinedAt - b.joinedAt),
);
export const waitingPeople = computed(() =>
  Object.values(view.value?.participants ?? {}).filter((p) => p.admission === 'waiting'),
);

export function nameOf(id: string | null | undefined): string {
  if (!id) return '';
  return view.value?.participants[id]?.displayName ?? '?';
}
