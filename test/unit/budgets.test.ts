import { describe, expect, it } from 'vitest';
import {
  FIXED_BUDGETS,
  MEETING_CONNECTIONS,
  roomBudgets,
  SeatBudgets,
  SNAPSHOT_BUDGET,
} from '../../server/src/realtime/budgets.js';
import { TokenBucket } from '../../server/src/realtime/tokenBucket.js';

const sizes = { command: { burst: 40, perSecond: 10 }, ...FIXED_BUDGETS };

describe('budgets per seat and per room (HT-3, HT-9)', () => {
  it('[HT-3] the seats of one room share the room budget for syncs, each seat its own', () => {
    const budgets = new SeatBudgets(sizes);
    const t = 1_000_000;
    const seats = Array.from({ length: 9 }, (_, i) => `R|p${i}`);
    for (const seat of seats) budgets.open('R', seat);
    // Nine seats of five syncs at once each: the room allows 24 at once.
    let granted = 0;
    for (const seat of seats) for (let i = 0; i < 5; i++) if (budgets.take('R', seat, 'sync', t)) granted++;
    expect(granted).toBe(24);
    // Another room is not touched by it.
    budgets.open('S', 'S|q');
    expect(budgets.take('S', 'S|q', 'sync', t)).toBe(true);
  });

  it('[HT-3] a room reaching more connections than a meeting pays for each command in proportion', () => {
    const room = roomBudgets(sizes.command).command!;
    /** Commands the room accepts from its seats (each seat asking its whole burst), with `tabs` tabs a seat. */
    const accepted = (tabs: number, t: number) => {
      const budgets = new SeatBudgets(sizes);
      const seats = Array.from({ length: 9 }, (_, i) => `p${i}`);
      for (const seat of seats) for (let k = 0; k < tabs; k++) budgets.open('R', seat);
      let at = 0;
      for (const seat of seats)
        for (let i = 0; i < sizes.command.burst; i++) if (budgets.take('R', seat, 'command', t)) at++;
      // Then one second later, the room's refill only (every seat asks again).
      let later = 0;
      for (const seat of seats)
        for (let i = 0; i < sizes.command.burst; i++)
          if (budgets.take('R', seat, 'command', t + 1000)) later++;
      return { at, later };
    };
    // Nine seats in one tab each: a meeting, the room's whole budget.
    expect(accepted(1, 3_000_000)).toEqual({ at: room.burst, later: room.perSecond });
    // Nine seats in four tabs each (36 connections): each command costs 36 / 16 of the room's budget.
    const cost = (9 * 4) / MEETING_CONNECTIONS;
    const crowded = accepted(4, 3_000_000);
    expect(crowded.at).toBe(Math.floor(room.burst / cost));
    expect(crowded.later).toBe(Math.floor((room.burst - crowded.at * cost + room.perSecond) / cost));
    expect(crowded.later).toBeLessThan(room.perSecond / 2);
  });

  it('[HT-3] a seat is its room and its participant id: the same id in another room is another seat; tabs share it', () => {
    const budgets = new SeatBudgets(sizes);
    const t = 1_500_000;
    budgets.open('R', 'p');
    budgets.open('R', 'p'); // a second tab of the seat
    budgets.open('S', 'p');
    for (let i = 0; i < FIXED_BUDGETS.ping.burst; i++) expect(budgets.take('R', 'p', 'ping', t)).toBe(true);
    expect(budgets.take('R', 'p', 'ping', t)).toBe(false);
    expect(budgets.take('S', 'p', 'ping', t)).toBe(true);
    // One tab closed: the other still draws from the spent bucket; the last one closed forgets the seat.
    budgets.close('R', 'p');
    expect(budgets.take('R', 'p', 'ping', t)).toBe(false);
    budgets.close('R', 'p');
    expect(budgets.take('R', 'p', 'ping', t)).toBe(false); // no connection of the seat here: refused
    budgets.open('R', 'p');
    expect(budgets.take('R', 'p', 'ping', t)).toBe(true); // a new connection: a new, full bucket
  });

  it('[HT-9] a room is sent so many snapshot characters a second, welcomes included, whatever the sync count', () => {
    const budgets = new SeatBudgets(sizes);
    const t = 2_000_000;
    budgets.open('R', 'R|a');
    budgets.open('M', 'M|a');
    const big = 400 * 1024; // a room at its text bound
    let sent = 0;
    for (let reserved = budgets.reserve('R', t); reserved !== null; reserved = budgets.reserve('R', t)) {
      budgets.sent('R', big, reserved, t);
      sent++;
    }
    // The burst (2 MB) in 400 KB snapshots: the one that crosses zero is the last one.
    expect(sent).toBe(Math.ceil(SNAPSHOT_BUDGET.burst / big));
    // In debt: refused until repaid at 512 KB a second.
    const debt = sent * big - SNAPSHOT_BUDGET.burst;
    const repaid = t + Math.ceil(((debt + 1) / SNAPSHOT_BUDGET.perSecond) * 1000);
    expect(budgets.reserve('R', repaid - 50)).toBeNull();
    expect(budgets.reserve('R', repaid)).toBe(big);
    // A meeting's small snapshots in another room are not held by it.
    for (let i = 0; i < 20; i++) {
      const reserved = budgets.reserve('M', t);
      expect(reserved).not.toBeNull();
      budgets.sent('M', 30 * 1024, reserved!, t);
    }
  });

  it('[HT-9] syncs in flight together are paid for before any is sent: the room size is set aside', () => {
    const budgets = new SeatBudgets(sizes);
    const t = 2_500_000;
    budgets.open('R', 'R|a');
    const big = 400 * 1024;
    budgets.sent('R', big, 0, t); // a welcome: the room's snapshot size is known
    // Twenty syncs asked at once, none sent yet: only the budget's worth get through.
    const reserved = Array.from({ length: 20 }, () => budgets.reserve('R', t));
    const granted = reserved.filter((r) => r !== null);
    expect(granted.length).toBe(Math.ceil((SNAPSHOT_BUDGET.burst - big) / big));
    expect(granted.every((r) => r === big)).toBe(true);
    // One of them failed (no snapshot sent): what it set aside comes back.
    for (const r of granted.slice(1)) budgets.sent('R', big, r!, t);
    expect(budgets.reserve('R', t)).toBeNull();
    budgets.sent('R', 0, granted[0]!, t);
    expect(budgets.reserve('R', t)).toBe(big);
  });

  it('[HT-9] welcomes are paid for: a reconnection storm delays the syncs that follow, for a bounded time', () => {
    const budgets = new SeatBudgets(sizes);
    const t = 3_000_000;
    budgets.open('R', 'R|a');
    for (let i = 0; i < 100; i++) budgets.sent('R', 400 * 1024, 0, t);
    expect(budgets.reserve('R', t)).toBeNull();
    // The debt stops at one burst below empty: a burst's worth of time (4 s) repays it.
    const bound = t + (SNAPSHOT_BUDGET.burst / SNAPSHOT_BUDGET.perSecond) * 1000;
    expect(budgets.reserve('R', bound - 100)).toBeNull();
    expect(budgets.reserve('R', bound + 1)).not.toBeNull();
  });

  it('[HT-3] a token bucket refills with time and spends into debt only when asked', () => {
    const bucket = new TokenBucket(5, 1, 0);
    for (let i = 0; i < 5; i++) expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(1_000)).toBe(true);
    bucket.spend(1_000, 7);
    expect(bucket.has(1_000)).toBe(false);
    expect(bucket.has(6_000)).toBe(false); // -5 + 5
    expect(bucket.has(7_000)).toBe(true);
  });
});
