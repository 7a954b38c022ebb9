import {
  allowedCommands,
  type CommandType,
  currentPhase,
  isDriver,
  type Phase,
  type Role,
} from '@cercle/shared';
import { computed } from '@preact/signals';
import { serverNow } from './clock.js';
import { me, participantId, view } from './session.js';

/** What I may do now, from the same rules the server applies (the server still enforces them). */
export const allowed = computed<Set<CommandType>>(() => {
  const v = view.value;
  const id = participantId.value;
  if (!v || !id) return new Set();
  return new Set(allowedCommands(v, id, serverNow()));
});

export const can = (type: CommandType): boolean => allowed.value.has(type);

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
export const waitingPeople = computed(() =>
  Object.values(view.value?.participants ?? {}).filter((p) => p.admission === 'waiting'),
);

export function nameOf(id: string | null | undefined): string {
  if (!id) return '';
  return view.value?.participants[id]?.displayName ?? '?';
}
