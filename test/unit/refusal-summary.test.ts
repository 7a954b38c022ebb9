import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../server/src/log.js';
import { REFUSAL_SUMMARY_MS, refusalSummaryObserver } from '../../server/src/observe/refusalSummary.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

describe('refusal summary', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('[OP-3] writes one info line a minute with the counts by reason, and none for a quiet minute', () => {
    vi.useFakeTimers();
    const { lines, logger } = capture();
    const summary = refusalSummaryObserver(logger);
    summary.handshake?.('room_not_found');
    summary.handshake?.('room_not_found');
    summary.handshake?.('admitted');
    summary.handshake?.('rate_limited');
    summary.command?.({ type: 'post_card', outcome: 'rate_limited', ms: 1, participantId: 'p1' });
    summary.command?.({ type: 'post_card', outcome: 'ok', ms: 1, participantId: 'p1' });
    vi.advanceTimersByTime(REFUSAL_SUMMARY_MS - 1);
    expect(lines).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      event: 'refusals',
      seconds: 60,
      handshakes: { room_not_found: 2, rate_limited: 1 },
      commands: { rate_limited: 1 },
    });
    expect(JSON.stringify(lines[0])).not.toContain('p1');
    vi.advanceTimersByTime(REFUSAL_SUMMARY_MS);
    expect(lines).toHaveLength(1);
    summary.close?.();
    expect(lines).toHaveLength(1);
  });
});
