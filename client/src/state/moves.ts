import type { Command } from '@cercle/shared';
import { signal } from '@preact/signals';
import { sendCommand } from '../net/connection.js';
import { view } from './session.js';

/**
 * Moving the session, one move per intent (SPEC PH-4). Each move names the phase (or round) this page
 * shows; the server moves the room once however many copies arrive. On top of that, the page ignores the
 * second click of a double-click and any click while its own move is on the way, so the button that
 * follows under the pointer is never pressed by accident.
 */
export const moving = signal(false);
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
  // `detail` counts the clicks of one quick sequence: 2 is the second half of a double-click.
  if (event && event.detail > 1) return;
  const v = view.value;
  if (!v || moving.value) return;
  const fromIndex = v.phaseIndex;
  const round = v.coachingRound;
  moving.value = true;
  void sendCommand(commandFor(move, fromIndex, round)).then((ack) => {
    if (ack.ok && move.kind !== 'swap') {
      const toIndex = view.value?.phaseIndex ?? fromIndex;
      lastMove.value = { fromIndex, toIndex, round };
    }
    window.setTimeout(() => {
      moving.value = false;
    }, settleMs);
  });
}

/** Back to the phase the last move left: a jump that names where it starts, like any move. */
export function undoMove(event?: MouseEvent): void {
  const last = lastMove.value;
  const v = view.value;
  if (!last || !v || v.phaseIndex !== last.toIndex || v.coachingRound !== last.round) return;
  lastMove.value = null;
  movePhase({ kind: 'jump', index: last.fromIndex }, event);
}
