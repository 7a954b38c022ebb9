import {
  adjustTimer,
  type EngineCommand,
  pauseTimer,
  pendingTimerIds,
  type Room,
  remainingMs,
  resumeTimer,
  startTimer,
  timerDeadline,
  withTimerCancels,
} from '@cercle/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codevRoom, goToPhase, type Host } from './fixtures.js';

const MIN = 60_000;

describe('timer arithmetic', () => {
  it('[TM-1] remaining time is computed from the deadline and now', () => {
    const timer = startTimer(10 * MIN, 1000, 't1');
    expect(remainingMs(timer, 1000)).toBe(10 * MIN);
    expect(remainingMs(timer, 1000 + 4 * MIN)).toBe(6 * MIN);
    expect(timerDeadline(timer)).toBe(1000 + 10 * MIN);
  });

  it('[TM-2] pause freezes the remaining time and resume moves the deadline by the pause', () => {
    const started = startTimer(10 * MIN, 0, 't1');
    const paused = pauseTimer(started, 3 * MIN);
    expect(paused.timerId).toBeNull();
    expect(remainingMs(paused, 3 * MIN)).toBe(7 * MIN);
    expect(remainingMs(paused, 50 * MIN)).toBe(7 * MIN);
    const resumed = resumeTimer(paused, 8 * MIN, 't2');
    expect(resumed.timerId).toBe('t2');
    expect(remainingMs(resumed, 8 * MIN)).toBe(7 * MIN);
    expect(timerDeadline(resumed)).toBe(15 * MIN);
    const pausedAgain = pauseTimer(resumed, 10 * MIN);
    const resumedAgain = resumeTimer(pausedAgain, 12 * MIN, 't3');
    expect(remainingMs(resumedAgain, 12 * MIN)).toBe(5 * MIN);
    expect(resumedAgain.pausedTotalMs).toBe(7 * MIN);
  });

  it('[TM-3] add time extends, negative time shortens, never below zero', () => {
    const timer = startTimer(10 * MIN, 0, 't1');
    const longer = adjustTimer(timer, 5 * MIN, 2 * MIN, 't2');
    expect(remainingMs(longer, 2 * MIN)).toBe(13 * MIN);
    expect(longer.timerId).toBe('t2');
    const shorter = adjustTimer(longer, -60 * MIN, 2 * MIN, 't3');
    expect(shorter.durationMs).toBe(0);
    expect(remainingMs(shorter, 2 * MIN)).toBe(-2 * MIN);
  });

  it('[TM-3] add time while paused keeps it paused with no pending firing', () => {
    const paused = pauseTimer(startTimer(10 * MIN, 0, 't1'), MIN);
    const adjusted = adjustTimer(paused, 2 * MIN, 5 * MIN, 't2');
    expect(adjusted.timerId).toBeNull();
    expect(remainingMs(adjusted, 20 * MIN)).toBe(11 * MIN);
  });

  it('[TM-4] past the deadline the remaining time goes negative: overtime', () => {
    const timer = startTimer(MIN, 0, 't1');
    expect(remainingMs(timer, 3 * MIN)).toBe(-2 * MIN);
  });
});

describe('timer commands', () => {
  it('[TM-5] starting a phase schedules its deadline with a fresh timer id', () => {
    const host = codevRoom(false);
    const decision = host.ok('f', { type: 'start' });
    const timer = host.room.timer!;
    expect(decision.effects).toEqual([
      { type: 'schedule_timer', timerId: timer.timerId, at: host.now + 15 * MIN },
    ]);
  });

  it('[TM-2] pause and resume through decide, with a new schedule on resume', () => {
    const host = codevRoom();
    host.advance(5 * MIN);
    host.ok('f', { type: 'pause_timer' });
    expect(host.room.timer?.pausedAt).toBe(host.now);
    host.refused('f', { type: 'pause_timer' }, 'invalid');
    host.advance(20 * MIN);
    const resumed = host.ok('f', { type: 'resume_timer' });
    const timer = host.room.timer!;
    expect(remainingMs(timer, host.now)).toBe(10 * MIN);
    expect(resumed.effects).toEqual([
      { type: 'schedule_timer', timerId: timer.timerId, at: host.now + 10 * MIN },
    ]);
    host.refused('f', { type: 'resume_timer' }, 'invalid');
  });

  it('[TM-5] a timer id replaced by pause, add time or a phase change is stale', () => {
    const host = codevRoom();
    const first = host.room.timer!.timerId!;
    host.ok('f', { type: 'add_time', ms: 2 * MIN });
    const second = host.room.timer!.timerId!;
    expect(second).not.toBe(first);
    host.advance(20 * MIN);
    host.refused(null, { type: 'time_up', timerId: first }, 'stale_timer');
    host.ok('f', { type: 'next_phase', from: host.room.phaseIndex });
    host.refused(null, { type: 'time_up', timerId: second }, 'stale_timer');
  });

  it('[TM-5] a time_up well before the deadline is refused as stale', () => {
    const host = codevRoom();
    host.advance(MIN);
    host.refused(null, { type: 'time_up', timerId: host.room.timer!.timerId! }, 'stale_timer');
  });

  it('[TM-7] time_up marks the phase expired; overtime shows; the same id cannot fire twice', () => {
    const host = codevRoom();
    const timerId = host.room.timer!.timerId!;
    host.advance(15 * MIN);
    const decision = host.ok(null, { type: 'time_up', timerId });
    expect(decision.events).toEqual([{ type: 'time_up', scope: 'phase' }]);
    expect(host.room.timer?.expiredAt).toBe(host.now);
    expect(host.room.phaseIndex).toBe(0);
    host.advance(2 * MIN);
    expect(remainingMs(host.room.timer!, host.now)).toBe(-2 * MIN);
    host.refused(null, { type: 'time_up', timerId }, 'stale_timer');
  });

  it('[TM-7] with auto-advance, time_up moves to the next phase and schedules it', () => {
    const host = codevRoom();
    host.ok('f', { type: 'set_auto_advance', enabled: true });
    host.refused('f', { type: 'set_auto_advance', enabled: true }, 'invalid');
    host.advance(15 * MIN);
    const decision = host.ok(null, { type: 'time_up', timerId: host.room.timer!.timerId! });
    expect(host.phaseId).toBe('clarification');
    expect(decision.effects[0]).toMatchObject({ type: 'schedule_timer', at: host.now + 15 * MIN });
  });

  it('[TM-7] auto-advance stops at the last phase', () => {
    const host = codevRoom(true, { autoAdvance: true });
    goToPhase(host, 'learning');
    host.advance(15 * MIN);
    host.ok(null, { type: 'time_up', timerId: host.room.timer!.timerId! });
    expect(host.phaseId).toBe('learning');
    expect(host.room.timer?.expiredAt).toBe(host.now);
  });

  it('[TM-3] adding time to an expired timer makes it due again', () => {
    const host = codevRoom();
    host.advance(16 * MIN);
    host.ok(null, { type: 'time_up', timerId: host.room.timer!.timerId! });
    const decision = host.ok('f', { type: 'add_time', ms: 5 * MIN });
    expect(host.room.timer?.expiredAt).toBeNull();
    expect(remainingMs(host.room.timer!, host.now)).toBe(4 * MIN);
    expect(decision.effects).toHaveLength(1);
  });

  it('[TM-6] a round gives each speaker a timer; speaker time_up with auto-advance moves on', () => {
    const host = codevRoom(true, { autoAdvance: true });
    goToPhase(host, 'learning');
    const started = host.ok('f', { type: 'start_round', perSpeakerMs: 2 * MIN, order: ['c', 'a', 'b'] });
    expect(host.room.floor.speakerId).toBe('c');
    expect(started.effects).toEqual([
      { type: 'schedule_timer', timerId: host.room.floor.round!.timer.timerId, at: host.now + 2 * MIN },
    ]);
    host.advance(2 * MIN);
    host.ok(null, { type: 'time_up', timerId: host.room.floor.round!.timer.timerId! });
    expect(host.room.floor.speakerId).toBe('a');
    host.ok('a', { type: 'next_speaker' });
    expect(host.room.floor.speakerId).toBe('b');
    host.refused('c', { type: 'next_speaker' }, 'not_facilitator');
    host.ok('f', { type: 'next_speaker' });
    expect(host.room.floor.round).toBeNull();
    expect(host.room.floor.speakerId).toBeNull();
  });

  it('[TM-2] pause also freezes the speaker timer of a round', () => {
    const host = codevRoom();
    goToPhase(host, 'learning');
    host.ok('f', { type: 'start_round', perSpeakerMs: 3 * MIN });
    host.advance(MIN);
    host.ok('f', { type: 'pause_timer' });
    const staleRoundId = 'nope';
    host.advance(10 * MIN);
    expect(remainingMs(host.room.floor.round!.timer, host.now)).toBe(2 * MIN);
    const resumed = host.ok('f', { type: 'resume_timer' });
    expect(resumed.effects).toHaveLength(2);
    host.refused(null, { type: 'time_up', timerId: staleRoundId }, 'stale_timer');
  });
});

describe('timers the host forgets', () => {
  /** The host's set of deadlines, kept as the server keeps it: schedules added, cancels removed. */
  function hostTimers(host: Host, actor: string | null, command: EngineCommand, set: Set<string>) {
    const before = host.room;
    const decision = withTimerCancels(before, host.ok(actor, command));
    for (const effect of decision.effects) {
      if (effect.type === 'schedule_timer') set.add(effect.timerId);
      if (effect.type === 'cancel_timer') set.delete(effect.timerId);
    }
    return decision;
  }

  it('[TM-9] however often time is added, one phase deadline is pending; firing it cancels it', () => {
    const host = codevRoom(false);
    const set = new Set<string>();
    hostTimers(host, 'f', { type: 'start' }, set);
    expect(set.size).toBe(1);
    for (let i = 0; i < 50; i++)
      hostTimers(host, 'f', { type: 'add_time', ms: i % 2 ? 60_000 : -30_000 }, set);
    expect([...set]).toEqual([host.room.timer!.timerId]);
    expect(pendingTimerIds(host.room)).toEqual(set);
    hostTimers(host, 'f', { type: 'pause_timer' }, set);
    expect(set.size).toBe(0);
    hostTimers(host, 'f', { type: 'resume_timer' }, set);
    const pending = host.room.timer!.timerId!;
    expect([...set]).toEqual([pending]);
    host.advance(3_600_000);
    const fired = hostTimers(host, null, { type: 'time_up', timerId: pending }, set);
    expect(fired.effects).toContainEqual({ type: 'cancel_timer', timerId: pending });
    expect(set.has(pending)).toBe(false);
  });

  it('[TM-9] a session that ends leaves no phase deadline pending', () => {
    const host = codevRoom();
    const set = new Set<string>(pendingTimerIds(host.room));
    expect(set.size).toBe(1);
    hostTimers(host, 'f', { type: 'end', purge: false }, set);
    expect(set.size).toBe(0);
  });

  it('[TM-9] the cancels are those of the pending ids before and after, for any sequence of commands', () => {
    // The definition: every id pending before and not after, in the order `pendingTimerIds` lists them.
    const reference = (before: Room, after: Room): string[] => {
      const now = pendingTimerIds(after);
      return [...pendingTimerIds(before)].filter((id) => !now.has(id));
    };
    const step = fc.constantFrom(
      'add_time',
      'pause',
      'resume',
      'next',
      'previous',
      'fire',
      'hand',
      'floor',
      'round',
      'speaker',
      'fire_round',
      'away',
      'back',
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const host = codevRoom();
        goToPhase(host, 'clarification');
        for (const name of steps) {
          const room = host.room;
          const at = (
            timer: { startedAt: number; durationMs: number; pausedTotalMs: number } | null | undefined,
          ) => (timer ? timer.startedAt + timer.durationMs + timer.pausedTotalMs : host.now);
          const [actor, command]: [string | null, EngineCommand] =
            name === 'add_time'
              ? ['f', { type: 'add_time', ms: 60_000 }]
              : name === 'pause'
                ? ['f', { type: 'pause_timer' }]
                : name === 'resume'
                  ? ['f', { type: 'resume_timer' }]
                  : name === 'next'
                    ? ['f', { type: 'next_phase', from: room.phaseIndex }]
                    : name === 'previous'
                      ? ['f', { type: 'previous_phase', from: room.phaseIndex }]
                      : name === 'fire'
                        ? [null, { type: 'time_up', timerId: room.timer?.timerId ?? 'none' }]
                        : name === 'hand'
                          ? ['a', { type: 'raise_hand' }]
                          : name === 'floor'
                            ? ['f', { type: 'give_floor' }]
                            : name === 'round'
                              ? ['f', { type: 'start_round', order: ['a', 'b'], perSpeakerMs: 60_000 }]
                              : name === 'speaker'
                                ? ['f', { type: 'next_speaker' }]
                                : name === 'fire_round'
                                  ? [
                                      null,
                                      { type: 'time_up', timerId: room.floor.round?.timer.timerId ?? 'none' },
                                    ]
                                  : name === 'away'
                                    ? [null, { type: 'presence', participantId: 'b', presence: 'away' }]
                                    : [null, { type: 'presence', participantId: 'b', presence: 'connected' }];
          const firing =
            name === 'fire' ? at(room.timer) : name === 'fire_round' ? at(room.floor.round?.timer) : host.now;
          const saved = host.now;
          host.now = Math.max(host.now, firing);
          const decision = host.try(actor, command);
          if (decision.ok) {
            const cancels = withTimerCancels(room, decision)
              .effects.filter((effect) => effect.type === 'cancel_timer')
              .map((effect) => (effect as { timerId: string }).timerId);
            expect(cancels).toEqual(reference(room, decision.room));
          }
          host.now = Math.max(saved, host.now) + 1_000;
        }
      }),
      { numRuns: 300 },
    );
  });
});
