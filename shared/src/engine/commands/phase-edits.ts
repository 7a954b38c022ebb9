import type { Command } from '../../protocol/commands.js';
import { MAX_PHASES, MIN_PHASE_DURATION_MS, TEXT_LIMITS } from '../limits.js';
import { refuse } from '../permissions.js';
import type { Room } from '../room.js';
import type { LocalizedList, LocalizedText, Phase, Role } from '../template.js';
import { accept, type DecideContext, type Outcome } from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/** CU-1: before the start the facilitator reshapes the phases of an editable method. */
function checkPhaseFields(
  room: Room,
  fields: {
    name?: LocalizedText | undefined;
    purpose?: LocalizedText | undefined;
    guide?: LocalizedList | undefined;
    durationMs?: number | undefined;
    floor?: Role[] | undefined;
    board?: Phase['board'] | undefined;
    records?: Phase['records'] | undefined;
  },
) {
  const texts = [fields.name?.fr, fields.name?.en].filter((t): t is string => t !== undefined);
  if (texts.some((t) => t.trim().length > TEXT_LIMITS.phaseName))
    return refuse('text_too_long', 'Phase name too long.');
  if (texts.some((t) => t.trim().length === 0)) return refuse('invalid', 'Phase name is empty.');
  const guide = [
    ...(fields.guide?.fr ?? []),
    ...(fields.guide?.en ?? []),
    fields.purpose?.fr ?? '',
    fields.purpose?.en ?? '',
  ];
  if (guide.some((t) => t.trim().length > TEXT_LIMITS.guideQuestion))
    return refuse('text_too_long', 'Guide text too long.');
  if (fields.durationMs !== undefined && fields.durationMs < MIN_PHASE_DURATION_MS) {
    return refuse('invalid', 'A phase lasts at least a minute.');
  }
  const roles = new Set(room.template.roles.map((slot) => slot.role));
  const named = [
    ...(fields.floor ?? []),
    ...(fields.board ?? []).flatMap((policy) => policy.roles),
    ...(fields.records ?? []).flatMap((policy) => policy.roles),
  ];
  if (named.some((role) => !roles.has(role))) return refuse('wrong_role', 'This method has no such role.');
  return null;
}

const trimText = (t: LocalizedText): LocalizedText => ({ fr: t.fr.trim(), en: t.en.trim() });
const trimList = (l: LocalizedList): LocalizedList => ({
  fr: l.fr.map((t) => t.trim()),
  en: l.en.map((t) => t.trim()),
});

function phaseIndexOf(room: Room, phaseId: string): number {
  return room.phases.findIndex((phase) => phase.id === phaseId);
}

export function editPhase(room: Room, cmd: Cmd<'edit_phase'>): Outcome {
  const index = phaseIndexOf(room, cmd.phaseId);
  const phase = room.phases[index];
  if (!phase) return refuse('invalid', 'No such phase.');
  const refusal = checkPhaseFields(room, cmd);
  if (refusal) return refusal;
  const edited: Phase = {
    ...phase,
    ...(cmd.name ? { name: trimText(cmd.name) } : {}),
    ...(cmd.purpose ? { purpose: trimText(cmd.purpose) } : {}),
    ...(cmd.guide ? { guide: trimList(cmd.guide) } : {}),
    ...(cmd.durationMs !== undefined ? { durationMs: cmd.durationMs } : {}),
    ...(cmd.floor ? { floor: cmd.floor } : {}),
    ...(cmd.board ? { board: cmd.board } : {}),
    ...(cmd.records ? { records: cmd.records } : {}),
    ...(cmd.suggestsRound !== undefined ? { suggestsRound: cmd.suggestsRound } : {}),
  };
  const phases = room.phases.map((p, i) => (i === index ? edited : p));
  return accept({ ...room, phases }, [{ type: 'phases_edited' }]);
}

export function addPhase(room: Room, cmd: Cmd<'add_phase'>, ctx: DecideContext): Outcome {
  if (room.phases.length >= MAX_PHASES) return refuse('limit_reached', `At most ${MAX_PHASES} phases.`);
  const refusal = checkPhaseFields(room, cmd);
  if (refusal) return refusal;
  const id = `phase-${ctx.newId()}`;
  if (phaseIndexOf(room, id) >= 0) return refuse('invalid', 'Phase id already in use.');
  const everyone = room.template.roles.map((slot) => slot.role);
  const phase: Phase = {
    id,
    name: trimText(cmd.name),
    purpose: cmd.purpose ? trimText(cmd.purpose) : { fr: '', en: '' },
    guide: cmd.guide ? trimList(cmd.guide) : { fr: [], en: [] },
    leadRoles: room.template.keyRole ? [room.template.keyRole] : [],
    durationMs: cmd.durationMs,
    floor: cmd.floor ?? everyone,
    board: cmd.board ?? [],
    records: cmd.records ?? [],
    suggestsRound: false,
  };
  const at = Math.min(cmd.index, room.phases.length);
  const phases = [...room.phases.slice(0, at), phase, ...room.phases.slice(at)];
  return accept({ ...room, phases }, [{ type: 'phases_edited' }]);
}

export function movePhase(room: Room, cmd: Cmd<'move_phase'>): Outcome {
  const from = phaseIndexOf(room, cmd.phaseId);
  const phase = room.phases[from];
  if (!phase) return refuse('invalid', 'No such phase.');
  const to = Math.min(cmd.toIndex, room.phases.length - 1);
  if (to === from) return refuse('invalid', 'The phase is already there.');
  const rest = room.phases.filter((_, i) => i !== from);
  const phases = [...rest.slice(0, to), phase, ...rest.slice(to)];
  return accept({ ...room, phases }, [{ type: 'phases_edited' }]);
}

export function removePhase(room: Room, cmd: Cmd<'remove_phase'>): Outcome {
  const index = phaseIndexOf(room, cmd.phaseId);
  if (index < 0) return refuse('invalid', 'No such phase.');
  if (room.phases.length === 1) return refuse('invalid', 'A session keeps at least one phase.');
  return accept({ ...room, phases: room.phases.filter((_, i) => i !== index) }, [{ type: 'phases_edited' }]);
}
