import type { FastifyBaseLogger } from 'fastify';
import type { Observer } from './observer.js';

/**
 * The debug lines of the live path (one per command, refused handshake and fired timer): what an
 * operator reads with LOG_LEVEL=debug. Outcomes and random ids only, never a code, a name or a text.
 */
/**
 * Commands on cards that may be anonymous (BD-3): their lines name no participant, or a line's time
 * would tie an anonymous card to its author (HT-6).
 */
const CARD_WRITES = new Set(['post_card', 'edit_card', 'withdraw_card']);

export function debugLogObserver(logger: FastifyBaseLogger): Observer {
  const rooms = logger.child({ component: 'rooms' });
  const realtime = logger.child({ component: 'realtime' });
  return {
    handshake(outcome) {
      if (outcome === 'admitted' || outcome === 'waiting') return;
      realtime.debug({ event: 'handshake_refused', error: outcome }, 'handshake refused');
    },
    command({ type, outcome, participantId }) {
      const error = outcome === 'ok' ? undefined : outcome;
      if (CARD_WRITES.has(type)) rooms.debug({ event: 'command', commandType: type, error }, 'command');
      else rooms.debug({ event: 'command', commandType: type, participantId, error }, 'command');
    },
    timerFired(outcome, lateMs) {
      rooms.debug({ event: 'time_up', lateMs, error: outcome === 'ok' ? undefined : outcome }, 'timer fired');
    },
  };
}
