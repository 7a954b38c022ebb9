import { MAX_PHASE_DURATION_MS, MAX_PHASES, MIN_PHASE_DURATION_MS, TEXT_LIMITS } from './limits.js';
import { type Refusal, refuse } from './refusal.js';
import type { LocalizedList, LocalizedText, Phase, Role, Template, TemplateInfo } from './template.js';

/*
 * The rules of a phase list, shared by the lobby's phase edits (CU-1, commands/phase-edits.ts) and a room
 * created with its own list (CU-2, room.ts): apart from both, so neither imports the other.
 */

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
  silent?: boolean | undefined;
};

/**
 * One phase of a room's list at creation (CU-2): `from` names a phase of the template to start from (its
 * texts and policies, changed by the other fields); without `from`, a new phase (name and duration needed).
 */
export type PhaseSpec = PhaseFields & { from?: string | undefined };

/** CU-1: before the start the facilitator reshapes the phases of an editable method. */
export function checkPhaseFields(template: Pick<TemplateInfo, 'roles'>, fields: PhaseFields): Refusal | null {
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
export function editedPhase(phase: Phase, fields: PhaseFields): Phase {
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
    ...(fields.silent !== undefined ? { silent: fields.silent } : {}),
  };
}

/** A new phase: the floor open to every role of the method unless said otherwise, nothing on the board. */
export function newPhase(
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
    ...(fields.silent ? { silent: true } : {}),
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
