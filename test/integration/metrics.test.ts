import { randomUUID } from 'node:crypto';
import { roomCodeAlphabet, timerDeadline } from '@cercle/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { createCircle, enterSession, joinCircle, openSession } from '../support/circles.js';
import { createRoom, join, refusedHandshake, type TestParticipant } from '../support/clients.js';
import { parseMetrics, sampleValue, scrape } from '../support/metrics.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const token = 'metrics-token-for-tests-0123456789';

/** A code of the right shape that is not `code`: a wrong guess. */
const wrongCode = (code: string) =>
  (code[0] === roomCodeAlphabet[0] ? roomCodeAlphabet[1] : roomCodeAlphabet[0]) + code.slice(1);

describe('metrics (/metrics, Prometheus text)', () => {
  let server: TestServer | undefined;
  const people: TestParticipant[] = [];
  afterEach(async () => {
    for (const p of people.splice(0)) p.close();
    await server?.close();
    server = undefined;
  });

  it('[OP-1] counts a small session: handshakes, joins, commands by type and outcome, latencies, timers, rooms; no code, name or text', async () => {
    server = await startTestServer({ METRICS_TOKEN: token });
    const { url } = server;
    const { code, facilitatorKey } = await createRoom(url, { template: 'codev' });
    const facilitator = await join(
      url,
      { code, name: 'Fanny', facilitatorKey: facilitatorKey! },
      'facilitator',
    );
    const client = await join(url, { code, name: 'Claire' }, 'client');
    const consultant = await join(url, { code, name: 'Camille' }, 'consultant');
    const second = await join(url, { code, name: 'Chris' }, 'consultant 2');
    people.push(facilitator, client, consultant, second);
    const refusedWith = await refusedHandshake(url, { code: wrongCode(code), name: 'Guess' });
    expect(refusedWith).toBe('room_not_found');

    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    await consultant.must({
      type: 'post_card',
      kind: 'question',
      text: 'A question nobody may see in metrics',
    });
    const refused = await consultant.send({ type: 'next_phase', from: 1 });
    expect(refused.ok).toBe(false);
    const refusedCode = refused.ok ? '' : refused.error.code;
    const unparsed = await consultant.send({ type: 'no_such_command' });
    expect(unparsed).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // The phase's timer, moved to 150 ms from now: it fires once, and is counted with its lateness.
    const remaining = timerDeadline(facilitator.view!.timer!) - Date.now();
    await facilitator.must({ type: 'add_time', ms: -Math.round(remaining - 150) });
    await expect
      .poll(() => facilitator.patches.some((p) => p.events.some((e) => e.type === 'time_up')), {
        timeout: 5_000,
      })
      .toBe(true);

    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const secret of [
      code,
      'Fanny',
      'Claire',
      'Camille',
      'Chris',
      'Guess',
      'nobody may see',
      facilitatorKey!,
    ]) {
      expect(text).not.toContain(secret);
    }
    const m = parseMetrics(text);

    expect(sampleValue(m, 'cercle_handshakes_total', { outcome: 'admitted' })).toBe(4);
    expect(sampleValue(m, 'cercle_handshakes_total', { outcome: refusedWith })).toBe(1);
    expect(sampleValue(m, 'cercle_joins_total', { kind: 'join', outcome: 'ok' })).toBe(4);
    expect(sampleValue(m, 'cercle_joins_total', { kind: 'join', outcome: refusedWith })).toBe(1);
    expect(sampleValue(m, 'cercle_connections')).toBe(4);
    expect(sampleValue(m, 'cercle_connections_opened_total')).toBe(4);
    expect(sampleValue(m, 'cercle_rooms_active')).toBe(1);
    expect(sampleValue(m, 'cercle_circles_active')).toBe(0);
    const commands = (type: string, outcome: string) =>
      sampleValue(m, 'cercle_commands_total', { type, outcome });
    expect(commands('assign_role', 'ok')).toBe(1);
    expect(commands('start', 'ok')).toBe(1);
    expect(commands('next_phase', 'ok')).toBe(1);
    expect(commands('post_card', 'ok')).toBe(1);
    expect(commands('add_time', 'ok')).toBe(1);
    expect(commands('next_phase', refusedCode)).toBe(1);
    expect(commands('unparsed', 'bad_request')).toBe(1);
    expect(sampleValue(m, 'cercle_command_ack_seconds_count')).toBe(7);
    expect(sampleValue(m, 'cercle_command_ack_seconds_bucket', { le: '+Inf' })).toBe(7);
    // Every command the engine ran went through one store apply (and the joins too).
    expect(
      sampleValue(m, 'cercle_store_latency_seconds_count', { op: 'apply', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(8);
    expect(sampleValue(m, 'cercle_store_latency_seconds_count', { op: 'create', outcome: 'ok' })).toBe(1);
    expect(sampleValue(m, 'cercle_store_unavailable_total')).toBe(0);
    expect(sampleValue(m, 'cercle_timers_fired_total', { outcome: 'ok' })).toBe(1);
    expect(sampleValue(m, 'cercle_timer_lateness_seconds_count')).toBe(1);
    expect(sampleValue(m, 'cercle_timer_lateness_seconds_sum')).toBeLessThan(1);
    // Node's own: process and event-loop delay.
    expect(sampleValue(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.some((s) => s.name === 'nodejs_eventloop_lag_p99_seconds')).toBe(true);
    // Every label value of Cercle's own metrics is from a closed set.
    const labelValues = new Set(
      m.filter((s) => s.name.startsWith('cercle_')).flatMap((s) => Object.values(s.labels)),
    );
    for (const value of labelValues) expect(value).toMatch(/^([a-zA-Z_]+|\+Inf|[0-9.]+)$/);

    // People leave: connections and active rooms go down.
    client.close();
    await expect.poll(async () => sampleValue(await scrape(url, token), 'cercle_connections')).toBe(3);
    for (const p of [facilitator, consultant, second]) p.close();
    await expect.poll(async () => sampleValue(await scrape(url, token), 'cercle_rooms_active')).toBe(0);
  });

  it('[OP-1] counts a circle as active while one of its session rooms has a live connection here', async () => {
    server = await startTestServer({ METRICS_TOKEN: token });
    const { url } = server;
    const circle = await createCircle(url, { kind: 'codev', title: 'A circle nobody may see in metrics' });
    const anne = await joinCircle(circle, 'Anne');
    const plain = await createRoom(url, { template: 'codev' });
    const outsider = await join(url, { code: plain.code, name: 'Olga' }, 'outsider');
    people.push(outsider);
    await openSession(circle);
    const member = await enterSession(circle, 1, anne.secret, 'Anne');
    people.push(member);
    const gauge = async (name: string) => sampleValue(await scrape(url, token), name);
    await expect.poll(() => gauge('cercle_circles_active')).toBe(1);
    expect(await gauge('cercle_rooms_active')).toBe(2);
    const text = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } }).then((r) =>
      r.text(),
    );
    for (const secret of [circle.circleId, 'nobody may see', 'Anne', anne.secret])
      expect(text).not.toContain(secret);
    // The member leaves: the circle is no longer active; a room outside any circle never counted.
    member.close();
    await expect.poll(() => gauge('cercle_circles_active')).toBe(0);
    expect(await gauge('cercle_rooms_active')).toBe(1);
  });

  it('[OP-1] a Redis that is gone shows as store_unavailable answers and failed store calls', async () => {
    const redis: RedisServer = await startRedisServer();
    try {
      server = await startTestServer({ METRICS_TOKEN: token, REDIS_URL: redis.url });
      const { code } = await createRoom(server.url, { template: 'codev' });
      const someone = await join(server.url, { code, name: 'Sam' }, 'someone');
      people.push(someone);
      await redis.kill();
      const ack = await someone.send({ type: 'raise_hand' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
      const m = await scrape(server.url, token);
      expect(sampleValue(m, 'cercle_store_unavailable_total')).toBeGreaterThanOrEqual(1);
      expect(
        sampleValue(m, 'cercle_commands_total', { type: 'raise_hand', outcome: 'store_unavailable' }),
      ).toBe(1);
      expect(
        sampleValue(m, 'cercle_store_latency_seconds_count', { op: 'apply', outcome: 'error' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await server?.close();
      server = undefined;
      await redis.stop();
    }
  });

  it('[OP-2] /metrics is 404 without METRICS_TOKEN, 401 without the token or with a wrong one', async () => {
    server = await startTestServer();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect(
      (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(404);
    await server.close();

    server = await startTestServer({ METRICS_TOKEN: token });
    const status = async (headers: Record<string, string>) =>
      (await fetch(`${server!.url}/metrics`, { headers })).status;
    expect(await status({})).toBe(401);
    expect(await status({ authorization: `Bearer ${token}x` })).toBe(401);
    expect(await status({ authorization: `Bearer ${token.slice(0, -1)}` })).toBe(401);
    expect(await status({ authorization: token })).toBe(401);
    expect(await status({ authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` })).toBe(
      401,
    );
    expect(await status({ authorization: `Bearer ${token}` })).toBe(200);
  });

  it('[OP-2] METRICS_PORT: /metrics on its own listener only', async () => {
    server = await startTestServer({ METRICS_TOKEN: token, METRICS_PORT: '9464' });
    expect(server.metricsUrl).not.toBeNull();
    expect(
      (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(404);
    const own = await fetch(`${server.metricsUrl}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('cercle_commands_total');
    expect((await fetch(`${server.metricsUrl}/metrics`)).status).toBe(401);
  });

  it('a short METRICS_TOKEN, or METRICS_PORT without a token, stops start-up; the token is not echoed', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(
      /^Invalid configuration: METRICS_TOKEN=\[hidden\]: /,
    );
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => loadConfig({ METRICS_PORT: '9464' })).toThrow(/METRICS_PORT.*needs METRICS_TOKEN/);
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@example' })).not.toThrow(/hunter2/);
  });

  it('[OP-3] refused handshakes and commands are summed up in one info line, counts only', async () => {
    server = await startTestServer({ LOG_LEVEL: 'info', JOIN_FAILURES_PER_IP: '1000' });
    const { code } = await createRoom(server.url, { template: 'codev' });
    const someone = await join(server.url, { code, name: 'Sam' }, 'someone');
    people.push(someone);
    const refusedWith: Record<string, number> = {};
    for (const auth of [
      { code: wrongCode(code), name: 'Guess' },
      { code: wrongCode(code), name: 'Guess' },
      { code: wrongCode(code), name: 'Guess' },
      { code, name: 'x'.repeat(500) },
    ]) {
      const refused = await refusedHandshake(server.url, auth);
      refusedWith[refused] = (refusedWith[refused] ?? 0) + 1;
    }
    expect(refusedWith.room_not_found).toBe(3);
    const answers = [await someone.send({ type: 'start' }), await someone.send({ bogus: randomUUID() })];
    await server.close();
    const lines = server.logs.filter((l) => l.includes('"event":"refusals"'));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line.level).toBe(30);
    expect(line.handshakes).toEqual(refusedWith);
    const byCode: Record<string, number> = {};
    for (const a of answers) if (!a.ok) byCode[a.error.code] = (byCode[a.error.code] ?? 0) + 1;
    expect(line.commands).toEqual(byCode);
    expect(lines[0]).not.toContain(code);
    expect(lines[0]).not.toContain('127.0.0.1');
    server = undefined;
  });
});
