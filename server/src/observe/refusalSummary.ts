import type { FastifyBaseLogger } from 'fastify';
import type { Observer } from './observer.js';

export const REFUSAL_SUMMARY_MS = 60_000;

type Counts = Record<string, number>;

/**
 * One info line per minute (only when something was refused) counting refused handshakes and commands
 * by reason: a guessing attack shows at the default log level without a line per attempt. Counts only:
 * no code, address or id. The last counts are written at shutdown.
 */
export function refusalSummaryObserver(
  logger: FastifyBaseLogger,
  intervalMs = REFUSAL_SUMMARY_MS,
): Observer & { flush: () => void } {
  const log = logger.child({ component: 'realtime' });
  const empty = (): Counts => Object.create(null) as Counts;
  let handshakes = empty();
  let commands = empty();
  let started = Date.now();
  // Keys are error codes (a closed set), so these objects never grow past a few dozen entries.
  const add = (counts: Counts, reason: string) => {
    counts[reason] = (counts[reason] ?? 0) + 1;
  };
  const flush = () => {
    const now = Date.now();
    if (Object.keys(handshakes).length > 0 || Object.keys(commands).length > 0) {
      log.info(
        { event: 'refusals', seconds: Math.round((now - started) / 1000), handshakes, commands },
        'refusals in the last period',
      );
    }
    handshakes = empty();
    commands = empty();
    started = now;
  };
  const timer = setInterval(flush, intervalMs);
  timer.unref();
  return {
    handshake(outcome) {
      if (outcome !== 'admitted' && outcome !== 'waiting') add(handshakes, outcome);
    },
    command({ outcome }) {
      if (outcome !== 'ok') add(commands, outcome);
    },
    close() {
      clearInterval(timer);
      flush();
    },
    flush,
  };
}
