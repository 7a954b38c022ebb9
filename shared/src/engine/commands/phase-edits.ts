import type { Command } from '../../protocol/commands.js';
import { MAX_PHASE_DURATION_MS, MAX_PHASES, MIN_PHASE_DURATION_MS, TEXT_LIMITS } from '../limits.js';
import type { Refusal } from '../permissions.js';
import { refuse } from '../permissions.js';
import type { Room } from '../room.js';
import type { LocalizedList, LocalizedText, Phase, Role, Template, TemplateInfo } from '../template.js';
import { accept, type DecideContext, type Outcome } from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/** What may be changed in a phase: the fields of `edit_phase` (CU-1) and of a phase list at creation (CU-2). */
export type PhaseFields = {
  name?: LocalizedText | undefined;
  purpose?: LocalizedText | undefined;
  guide?: LocalizedList | undefined;
  durationMs?: number | undefined;
  floor?: Role[] | undefined;
  board?: Phase['board'] | undefined;
  records?: Phase['records'] | undefined;
  suggestsRound?: boolean | undefined;
};

/**
 * One phase of a room's list at creation (CU-2): `from` names a phase of the template to start from (its
 * texts and policies, changed by the other fields); without `from`, a new phase (name and duration needed).
 */
export type PhaseSpec = PhaseFields & { from?: string | undefined };

/** CU-1: before the start the facilitator reshapes the phases of an editable method. */
function checkPhaseFields(template: Pick<TemplateInfo, 'roles'>, fields: PhaseFields): Refusal | null {
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
  if (fields.durationMs !== undefined && fields.durationMs > MAX_PHASE_DURATION_MS) {
    return refuse('invalid', 'A phase lasts at most three hours.');
  }
  const roles = new Set(template.roles.map((slot) => slot.role));
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

/** A phase with the given fields changed, trimmed; the others as they were. */
function editedPhase(phase: Phase, fields: PhaseFields): Phase {
  return {
    ...phase,
    ...(fields.name ? { name: trimText(fields.name) } : {}),
    ...(fields.purpose ? { purpose: trimText(fields.purpose) } : {}),
    ...(fields.guide ? { guide: trimList(fields.guide) } : {}),
    ...(fields.durationMs !== undefined ? { durationMs: fields.durationMs } : {}),
    ...(fields.floor ? { floor: fields.floor } : {}),
    ...(fields.board ? { board: fields.board } : {}),
    ...(fields.records ? { records: fields.records } : {}),
    ...(fields.suggestsRound !== undefined ? { suggestsRound: fields.suggestsRound } : {}),
  };
}

/** A new phase: the floor open to every role of the method unless said otherwise, nothing on the board. */
function newPhase(
  template: Pick<TemplateInfo, 'roles' | 'keyRole'>,
  id: string,
  fields: PhaseFields & { name: LocalizedText; durationMs: number },
): Phase {
  return {
    id,
    name: trimText(fields.name),
    purpose: fields.purpose ? trimText(fields.purpose) : { fr: '', en: '' },
    guide: fields.guide ? trimList(fields.guide) : { fr: [], en: [] },
    leadRoles: template.keyRole ? [template.keyRole] : [],
    durationMs: fields.durationMs,
    floor: fields.floor ?? template.roles.map((slot) => slot.role),
    board: fields.board ?? [],
    records: fields.records ?? [],
    suggestsRound: fields.suggestsRound ?? false,
  };
}

/** A refused phase list: `phase` is the position (0-based) of the phase at fault, if one is. */
export type PhaseListRefusal = Refusal & { phase?: number };

/**
 * CU-2: the phases of a room created with its own list, checked by the same rules as the lobby's phase
 * edits (CU-1). The list gives the order; a template phase left out is dropped; each appears once.
 */
export function phasesFromSpecs(
  template: Template,
  specs: readonly PhaseSpec[],
): { ok: true; phases: Phase[] } | PhaseListRefusal {
  if (specs.length === 0) return refuse('invalid', 'A session keeps at least one phase.');
  if (specs.length > MAX_PHASES) return refuse('limit_reached', `At most ${MAX_PHASES} phases.`);
  const used = new Set<string>();
  const phases: Phase[] = [];
  let added = 0;
  for (const [i, spec] of specs.entries()) {
    const at = (refusal: Refusal): PhaseListRefusal => ({
      ...refusal,
      message: `Phase ${i + 1}: ${refusal.message}`,
      phase: i,
    });
    const refusal = checkPhaseFields(template, spec);
    if (refusal) return at(refusal);
    if (spec.from !== undefined) {
      const base = template.phases.find((phase) => phase.id === spec.from);
      if (!base) return at(refuse('invalid', 'No such phase in this method.'));
      if (used.has(base.id)) return at(refuse('invalid', 'A phase of the method appears twice.'));
      used.add(base.id);
      phases.push(editedPhase(base, spec));
    } else {
      const { name, durationMs } = spec;
      if (!name || durationMs === undefined) {
        return at(refuse('invalid', 'A new phase needs a name and a duration.'));
      }
      added += 1;
      phases.push(newPhase(template, `added-${added}`, { ...spec, name, durationMs }));
    }
  }
  return { ok: true, phases };
}

function phaseIndexOf(room: Room, phaseId: string): number {
  return room.phases.findIndex((phase) => phase.id === phaseId);
}

export function editPhase(room: Room, cmd: Cmd<'edit_phase'>): Outcome {
  const index = phaseIndexOf(room, cmd.phaseId);
  const phase = room.phases[index];
  if (!phase) return refuse('invalid', 'No such phase.');
  const refusal = checkPhaseFields(room.template, cmd);
  if (refusal) return refusal;
  const edited = editedPhase(phase, cmd);
  const phases = room.phases.map((p, i) => (i === index ? edited : p));
  return accept({ ...room, phases }, [{ type: 'phases_edited' }]);
}

export function addPhase(room: Room, cmd: Cmd<'add_phase'>, ctx: DecideContext): Outcome {
  if (room.phases.length >= MAX_PHASES) return refuse('limit_reached', `At most ${MAX_PHASES} phases.`);
  const refusal = checkPhaseFields(room.template, cmd);
  if (refusal) return refusal;
  const id = `phase-${ctx.newId()}`;
  if (phaseIndexOf(room, id) >= 0) return refuse('invalid', 'Phase id already in use.');
  const phase = newPhase(room.template, id, { ...cmd, suggestsRound: false });
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
