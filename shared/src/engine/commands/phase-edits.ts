import type { Command } from '../../protocol/commands.js';
import { MAX_PHASES } from '../limits.js';
import { checkPhaseFields, editedPhase, newPhase } from '../phase-list.js';
import { refuse } from '../refusal.js';
import type { Room } from '../room.js';
import { accept, type DecideContext, type Outcome } from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

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
