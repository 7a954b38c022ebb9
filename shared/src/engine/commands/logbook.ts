import type { Command } from '../../protocol/commands.js';
import { MAX_LOGBOOK_ENTRIES, TEXT_LIMITS } from '../limits.js';
import { currentPhase } from '../permissions.js';
import { refuse } from '../refusal.js';
import type { LogbookEntry, Room } from '../room.js';
import { accept, checkText, type DecideContext, type Outcome, without } from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/**
 * LG-1: a logbook is its owner's alone. LG-2: it is open in every phase and status (the client's only
 * pen during consultation). LG-3: no event names it, so the room learns nothing of what is written.
 */
function ownLogbook(room: Room, actor: string): Record<string, LogbookEntry> {
  return room.logbooks[actor] ?? {};
}

function withLogbook(room: Room, actor: string, logbook: Record<string, LogbookEntry>): Room {
  return { ...room, logbooks: { ...room.logbooks, [actor]: logbook } };
}

export function logbookAdd(room: Room, cmd: Cmd<'logbook_add'>, ctx: DecideContext): Outcome {
  const actor = ctx.actor!;
  const refusal = checkText(cmd.text, TEXT_LIMITS.logbookEntry, 'note');
  if (refusal) return refusal;
  const logbook = ownLogbook(room, actor);
  if (Object.keys(logbook).length >= MAX_LOGBOOK_ENTRIES)
    return refuse('limit_reached', 'The logbook is full.');
  const id = ctx.newId();
  if (logbook[id]) return refuse('invalid', 'Entry id already in use.');
  const entry: LogbookEntry = {
    id,
    text: cmd.text.trim(),
    phaseId: room.status === 'running' ? currentPhase(room).id : null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  return accept(withLogbook(room, actor, { ...logbook, [id]: entry }));
}

export function logbookEdit(room: Room, cmd: Cmd<'logbook_edit'>, ctx: DecideContext): Outcome {
  const actor = ctx.actor!;
  const logbook = ownLogbook(room, actor);
  const entry = logbook[cmd.entryId];
  // Another person's entry id gets the same answer as a missing one: nothing to learn by probing.
  if (!entry) return refuse('invalid', 'No such entry in your logbook.');
  const refusal = checkText(cmd.text, TEXT_LIMITS.logbookEntry, 'note');
  if (refusal) return refusal;
  return accept(
    withLogbook(room, actor, {
      ...logbook,
      [entry.id]: { ...entry, text: cmd.text.trim(), updatedAt: ctx.now },
    }),
  );
}

export function logbookDelete(room: Room, cmd: Cmd<'logbook_delete'>, ctx: DecideContext): Outcome {
  const actor = ctx.actor!;
  const logbook = ownLogbook(room, actor);
  if (!logbook[cmd.entryId]) return refuse('invalid', 'No such entry in your logbook.');
  return accept(withLogbook(room, actor, without(logbook, cmd.entryId)));
}
