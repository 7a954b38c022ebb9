import { isSealedEntry, MAX_LOGBOOK_SEALED_CHARS } from '../../logbook/sealed.js';
import type { Command } from '../../protocol/commands.js';
import { MAX_LOGBOOK_ENTRIES } from '../limits.js';
import { currentPhase } from '../permissions.js';
import { type Refusal, refuse } from '../refusal.js';
import type { LogbookEntry, Room } from '../room.js';
import { accept, type DecideContext, type Outcome, without } from './outcome.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

/**
 * LG-1: a logbook is its owner's alone. LG-2: it is open in every phase and status (the client's only
 * pen during consultation). LG-3: no event names it, so the room learns nothing of what is written.
 * LG-5: an entry is sealed in its owner's page; the engine checks its shape and size, never its text.
 */
function ownLogbook(room: Room, actor: string): Record<string, LogbookEntry> {
  return room.logbooks[actor] ?? {};
}

function withLogbook(room: Room, actor: string, logbook: Record<string, LogbookEntry>): Room {
  return { ...room, logbooks: { ...room.logbooks, [actor]: logbook } };
}

/** LG-5: a well-formed sealed entry that keeps the logbook within its total size. */
function checkSealed(
  sealed: string,
  logbook: Record<string, LogbookEntry>,
  replacing?: string,
): Refusal | null {
  if (!isSealedEntry(sealed)) return refuse('invalid', 'Not a sealed logbook entry.');
  let total = sealed.length;
  for (const entry of Object.values(logbook)) if (entry.id !== replacing) total += entry.sealed.length;
  if (total > MAX_LOGBOOK_SEALED_CHARS) return refuse('limit_reached', 'The logbook is full.');
  return null;
}

export function logbookAdd(room: Room, cmd: Cmd<'logbook_add'>, ctx: DecideContext): Outcome {
  const actor = ctx.actor!;
  const logbook = ownLogbook(room, actor);
  if (Object.keys(logbook).length >= MAX_LOGBOOK_ENTRIES)
    return refuse('limit_reached', 'The logbook is full.');
  const refusal = checkSealed(cmd.sealed, logbook);
  if (refusal) return refusal;
  const id = ctx.newId();
  if (Object.hasOwn(logbook, id)) return refuse('invalid', 'Entry id already in use.');
  const entry: LogbookEntry = {
    id,
    sealed: cmd.sealed,
    phaseId: room.status === 'running' ? currentPhase(room).id : null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  return accept(withLogbook(room, actor, { ...logbook, [id]: entry }));
}

export function logbookEdit(room: Room, cmd: Cmd<'logbook_edit'>, ctx: DecideContext): Outcome {
  const actor = ctx.actor!;
  const logbook = ownLogbook(room, actor);
  const entry = Object.hasOwn(logbook, cmd.entryId) ? logbook[cmd.entryId] : undefined;
  // Another person's entry id gets the same answer as a missing one: nothing to learn by probing.
  if (!entry) return refuse('invalid', 'No such entry in your logbook.');
  const refusal = checkSealed(cmd.sealed, logbook, entry.id);
  if (refusal) return refusal;
  if (entry.sealed === cmd.sealed) return refuse('invalid', 'Nothing changed.');
  return accept(
    withLogbook(room, actor, {
      ...logbook,
      [entry.id]: { ...entry, sealed: cmd.sealed, updatedAt: ctx.now },
    }),
  );
}

export function logbookDelete(room: Room, cmd: Cmd<'logbook_delete'>, ctx: DecideContext): Outcome {
  const actor = ctx.actor!;
  const logbook = ownLogbook(room, actor);
  if (!Object.hasOwn(logbook, cmd.entryId)) return refuse('invalid', 'No such entry in your logbook.');
  return accept(withLogbook(room, actor, without(logbook, cmd.entryId)));
}
