/**
 * What the simulated people say, per target. Against Cercle these are real protocol commands
 * (shared/src/protocol/commands.ts); the bare baseline acknowledges and broadcasts anything, and knows
 * one made-up command, `bench_timer`, that sets a deadline and broadcasts when it passes.
 */
export type Target = 'cercle' | 'baseline';
export type WireCommand = { type: string } & Record<string, unknown>;

/** The public timer as the view carries it (engine/timer.ts): a deadline, not a tick. */
export type ViewTimer = {
  timerId?: string | null;
  startedAt: number;
  durationMs: number;
  pausedAt?: number | null;
  pausedTotalMs: number;
  expiredAt: number | null;
};

export function deadlineOf(timer: ViewTimer): number {
  return timer.startedAt + timer.durationMs + timer.pausedTotalMs;
}

/** Room layouts: a codev group of 8 (facilitator, client, six consultants) and a peer-coaching pair. */
export type Layout = 'group' | 'pair';

export const vocabulary = {
  /** Phase moves name the phase they start from (PH-4): the rooms go 0 → 1 → 0 → 1 ... */
  advance: (from: number): WireCommand => ({ type: 'next_phase', from }),
  retreat: (from: number): WireCommand => ({ type: 'previous_phase', from }),
  post: (n: number): WireCommand => ({
    type: 'post_card',
    kind: 'question',
    text: `Question ${n}: what have you tried so far?`,
  }),
  assignClient: (participantId: string): WireCommand => ({
    type: 'assign_role',
    participantId,
    role: 'client',
  }),
  start: { type: 'start' },
  /**
   * Moves a timer's deadline to `at` (epoch ms of the server's clock). One that expired (the round
   * before, `--timer-rounds`) is made due again by the same `add_time` (SPEC TM-3).
   */
  timerAt(target: Target, timer: ViewTimer | null, at: number): WireCommand | null {
    if (target === 'baseline') return { type: 'bench_timer', deadline: at };
    if (!timer || timer.pausedAt) return null;
    const ms = Math.round(at - deadlineOf(timer));
    return ms === 0 ? null : { type: 'add_time', ms };
  },
} as const;

/** The room's creation request (POST /api/rooms) for a layout. */
export function createRoomBody(layout: Layout): Record<string, unknown> {
  return layout === 'group'
    ? { template: 'codev', title: 'Bench group', locale: 'en' }
    : { template: 'peer-coaching', title: 'Bench pair', locale: 'en' };
}

/** A loopback address per simulated person (or room creation), as if each came from its own machine. */
export function loopback(n: number): string {
  return `127.${1 + Math.floor(n / 62_500)}.${Math.floor(n / 250) % 250}.${2 + (n % 250)}`;
}
