import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converged, createRoom, join, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

describe('acknowledged means stored', () => {
  let redis: RedisServer;
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    redis = await startRedisServer({ durable: true });
    server = await startTestServer({ REDIS_URL: redis.url, COMMAND_RATE: '1000', COMMAND_BURST: '1000' });
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server?.close();
    await redis?.stop();
  });

  async function clarification() {
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev' });
    const facilitator = await join(
      server.url,
      { code, name: 'Fanny', facilitatorKey: facilitatorKey! },
      'facilitator',
    );
    const client = await join(server.url, { code, name: 'Claire' }, 'client');
    const consultants = await Promise.all(
      ['A', 'B', 'C', 'D'].map((n) => join(server.url, { code, name: n }, n)),
    );
    people.push(facilitator, client, ...consultants);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    return { code, facilitator, client, consultants, everyone: [facilitator, client, ...consultants] };
  }

  const cardTexts = (p: TestParticipant) => Object.values(p.view!.cards).map((c) => c.text);

  it('a command whose acknowledgement was lost, retried with the same id, is stored once', async () => {
    const { code, consultants, facilitator } = await clarification();
    const [anne] = consultants;
    const id = randomUUID();
    const command = { type: 'post_card', kind: 'question', text: 'Sent once, acknowledged never' } as const;
    // Sent, then the connection dies before the acknowledgement can come back.
    anne!.socket.emit('room:command', { id, command }, () => {});
    anne!.socket.io.engine.close();
    await expect.poll(() => cardTexts(facilitator).includes(command.text), { timeout: 5_000 }).toBe(true);

    const back = await join(server.url, { code, resumeToken: anne!.resumeToken }, 'A again');
    people.push(back);
    const retried = await back.send(command, id);
    expect(retried).toEqual({ ok: true, version: expect.any(Number) });
    const again = await back.send(command, id);
    expect(again).toEqual(retried);
    await back.must({ type: 'raise_hand' });
    await converged([facilitator, back]);
    expect(cardTexts(back).filter((t) => t === command.text)).toHaveLength(1);
  });

  it('Redis killed while people post: error acks within 2 s, no false success, then everyone converges', async () => {
    const { consultants, everyone } = await clarification();
    type Outcome = {
      text: string;
      ok: boolean;
      code: string | null;
      ms: number;
      phase: 'before' | 'down' | 'after';
    };
    const outcomes: Outcome[] = [];
    let phase: Outcome['phase'] = 'before';
    let stop = false;
    const successesAfter = new Map<string, number>();
    const poster = async (p: TestParticipant) => {
      for (let k = 0; !stop; k++) {
        const text = `${p.label}-${k}`;
        const sentIn = phase;
        const started = Date.now();
        const ack = await p.send({ type: 'post_card', kind: 'question', text });
        outcomes.push({
          text,
          ok: ack.ok,
          code: ack.ok ? null : ack.error.code,
          ms: Date.now() - started,
          phase: sentIn,
        });
        if (ack.ok && sentIn === 'after') successesAfter.set(p.label, (successesAfter.get(p.label) ?? 0) + 1);
        if (!ack.ok) await new Promise((r) => setTimeout(r, 50));
        if (outcomes.length > 260) stop = true; // the board holds 300 cards
      }
    };
    const posting = Promise.all(consultants.map(poster));
    await expect.poll(() => outcomes.length, { timeout: 5_000 }).toBeGreaterThan(20);

    phase = 'down';
    await redis.kill();
    await expect
      .poll(() => outcomes.filter((o) => o.phase === 'down' && !o.ok).length, { timeout: 10_000 })
      .toBeGreaterThan(8);
    await redis.restart();
    phase = 'after';
    await expect
      .poll(() => consultants.every((c) => (successesAfter.get(c.label) ?? 0) >= 3), { timeout: 20_000 })
      .toBe(true);
    stop = true;
    await posting;

    const failures = outcomes.filter((o) => !o.ok);
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    const slowestFailure = Math.max(...failures.map((o) => o.ms));
    console.log(
      `outage: ${outcomes.length} posts, ${failures.length} refused (${[...new Set(failures.map((f) => f.code))].join(',')}), slowest ack ${slowest} ms, slowest error ack ${slowestFailure} ms`,
    );
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.code).toBe('store_unavailable');
    expect(slowest).toBeLessThan(2_000);

    // Every client ends on one state, holding every acknowledged card, each once.
    await consultants[0]!.must({ type: 'raise_hand' });
    await converged(everyone, 15_000);
    const texts = cardTexts(everyone[0]!);
    expect(new Set(texts).size).toBe(texts.length);
    for (const o of outcomes.filter((x) => x.ok)) expect(texts).toContain(o.text);
  });

  it('[SR-12] Redis hanging (no answer at all): error acks within 2 s, none a false success; the first command after the thaw is stored', async () => {
    const { consultants, everyone } = await clarification();
    redis.freeze();
    try {
      const sends = consultants.map(async (c, i) => {
        const started = Date.now();
        const ack = await c.send({ type: 'post_card', kind: 'question', text: `Frozen ${i}` });
        return { ack, ms: Date.now() - started };
      });
      const results = await Promise.all(sends);
      const slowest = Math.max(...results.map((r) => r.ms));
      console.log(`hung Redis: error acks after ${results.map((r) => r.ms).join(', ')} ms`);
      for (const { ack } of results)
        expect(ack).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
      expect(slowest).toBeLessThan(2_000);
    } finally {
      redis.thaw();
    }
    // Back: a late write may have gone through (never acknowledged as such); everyone agrees on the result.
    await consultants[0]!.must({ type: 'raise_hand' });
    await converged(everyone, 15_000);
  });
});
