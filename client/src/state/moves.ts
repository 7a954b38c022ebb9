import type { Command } from '@cercle/shared';
import { computed, signal } from '@preact/signals';
import { sendCommand } from '../net/connection.js';
import { view } from './session.js';

/**
 * Moving the session, one move per intent (SPEC PH-4). Each move names the phase (or round) this page
 * shows; the server moves the room once however many copies arrive. On top of that, the page ignores the
 * second click of a double-click and any click while its own move is on the way, so the button that
 * follows under the pointer is never pressed by accident (SPEC PG-5).
 */
/** A move of this page is on its way (sent, not yet acknowledged). */
const inFlight = signal(false);
/** The short pause after a move during which the move buttons ignore clicks. */
const settling = signal(false);
/** The move buttons are still: a move is on its way or has just landed. */
export const moving = computed(() => inFlight.value || settling.value);
/** The phase this page left by its last move, for a one-click way back (never a question first). */
export const lastMove = signal<{ fromIndex: number; toIndex: number; round: number } | null>(null);

/** How long after a move its buttons stay still: longer than a double-click, shorter than a decision. */
const settleMs = 600;

export type Move =
  | { kind: 'next' }
  | { kind: 'previous' }
  | { kind: 'jump'; index: number }
  | { kind: 'swap' };

export function commandFor(move: Move, phaseIndex: number, round: number): Command {
  switch (move.kind) {
    case 'next':
      return { type: 'next_phase', from: phaseIndex };
    case 'previous':
      return { type: 'previous_phase', from: phaseIndex };
    case 'jump':
      return { type: 'jump_phase', from: phaseIndex, index: move.index };
    case 'swap':
      return { type: 'swap_roles', round };
  }
}

export function movePhase(move: Move, event?: MouseEvent): void {
  if (moving.value) return;
  send(move, event);
}

function send(move: Move, event?: MouseEvent): void {
  // `detail` counts the clicks of one quick sequence: 2 is the second half of a double-click.
  if (event && event.detail > 1) return;
  const v = view.value;
  if (!v || inFlight.value) return;
  const fromIndex = v.phaseIndex;
  const round = v.coachingRound;
  inFlight.value = true;
  settling.value = true;
  void sendCommand(commandFor(move, fromIndex, round)).then((ack) => {
    inFlight.value = false;
    if (ack.ok && move.kind !== 'swap') {
      // Where the move lands, from the move itself: its acknowledgement may overtake the room's patch.
      const toIndex =
        move.kind === 'next' ? fromIndex + 1 : move.kind === 'previous' ? fromIndex - 1 : move.index;
      lastMove.value = { fromIndex, toIndex, round };
    }
    window.clearTimeout(settleTimer);
    settleTimer = window.setTimeout(() => {
      settling.value = false;
    }, settleMs);
  });
}

let settleTimer = 0;

/** Back to the phase the last move left: a jump that names where it starts, like any move. */
export function undoMove(event?: MouseEvent): void {
  const last = lastMove.value;
  const v = view.value;
  if (!last || !v || v.phaseIndex !== last.toIndex || v.coachingRound !== last.round) return;
  if (inFlight.value || (event && event.detail > 1)) return;
  lastMove.value = null;
  // Not held by the settling pause: the undo button is never where the move button was, and a click on
  // it right after the move is a decision (the pause used to swallow it, and the way back with it).
  send({ kind: 'jump', index: last.fromIndex }, event);
}
