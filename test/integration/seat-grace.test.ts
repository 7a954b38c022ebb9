import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, join, refusedHandshake, type TestParticipant } from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { sealedOf } from '../support/sealed.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/** RM-7, RM-8 over Socket.IO, with a one-second grace period (SEAT_GRACE_SECONDS). */
describe('a dropped participant keeps the seat for the grace period, then it is released', () => {
  let redis: RedisServer;
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startTestServer({ REDIS_URL: redis.url, SEAT_GRACE_SECONDS: '1', TIMER_POLL_MS: '50' });
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server?.close();
    await redis?.stop();
  });

  const enter = async (auth: Record<string, string>, label: string) => {
    const p = await join(server.url, auth, label);
    people.push(p);
    return p;
  };
  const seatOf = (viewer: TestParticipant, id: string) => viewer.view!.participants[id];

  it('[RM-7][RM-8] a pair in the lobby: the seat shows away, is released, someone takes the place, and the token brings its owner back once there is room', async () => {
    const { code } = await createRoom(server.url, { template: 'peer-coaching' });
    const eve = await enter({ code, name: 'Eve' }, 'Eve');
    const olga = await enter({ code, name: 'Olga' }, 'Olga');
    await olga.must({ type: 'logbook_add', sealed: sealedOf('Olga’s own note') });
    const olgaId = olga.participantId;
    // Peer coaching takes two people.
    expect(await refusedHandshake(server.url, { code, name: 'Nina' })).toBe('room_full');

    // Olga's network drops: away at once, with her seat kept...
    olga.socket.io.engine.close();
    await expect.poll(() => seatOf(eve, olgaId)?.presence, { timeout: 5_000 }).toBe('away');
    expect(seatOf(eve, olgaId)).toMatchObject({ admission: 'admitted', role: 'coach' });
    const droppedAt = Date.now();
    // ...until the grace period is over: then released, and the place is free.
    await expect.poll(() => seatOf(eve, olgaId)?.admission, { timeout: 5_000 }).toBe('released');
    expect(Date.now() - droppedAt).toBeGreaterThan(500);
    expect(eve.patches.flatMap((p) => p.events)).toContainEqual({
      type: 'seat_released',
      participantId: olgaId,
    });
    const facts = (await (await fetch(`${server.url}/api/rooms/${code}`)).json()) as { people: number };
    expect(facts.people).toBe(1);

    const nina = await enter({ code, name: 'Nina' }, 'Nina');
    expect(nina.seat?.role).toBe('coach');
    // Olga's token is still good, but there is no place for her now.
    expect(await refusedHandshake(server.url, { code, resumeToken: olga.resumeToken })).toBe('room_full');

    // Nina leaves in turn; once her seat is released, Olga comes back: same id, same notes, her role.
    nina.socket.io.engine.close();
    await expect.poll(() => seatOf(eve, nina.participantId)?.admission, { timeout: 5_000 }).toBe('released');
    const back = await enter({ code, resumeToken: olga.resumeToken }, 'Olga again');
    expect(back.participantId).toBe(olgaId);
    expect(back.seat).toMatchObject({ role: 'coach', admission: 'admitted', presence: 'connected' });
    expect(Object.values(back.mine!.logbook).map((e) => e.sealed)).toEqual([sealedOf('Olga’s own note')]);
    await expect.poll(() => seatOf(eve, olgaId)?.admission, { timeout: 5_000 }).toBe('admitted');
    await back.must({ type: 'start' });
  });

  it('[RM-7] back before the deadline: the seat is kept, and the late grace timer changes nothing', async () => {
    const { code } = await createRoom(server.url, { template: 'peer-coaching' });
    const eve = await enter({ code, name: 'Eve' }, 'Eve');
    const olga = await enter({ code, name: 'Olga' }, 'Olga');
    olga.socket.io.engine.close();
    await expect.poll(() => seatOf(eve, olga.participantId)?.presence, { timeout: 5_000 }).toBe('away');
    const back = await enter({ code, resumeToken: olga.resumeToken }, 'Olga again');
    await expect.poll(() => seatOf(eve, olga.participantId)?.presence, { timeout: 5_000 }).toBe('connected');
    const version = eve.version;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(seatOf(eve, back.participantId)).toMatchObject({
      admission: 'admitted',
      role: 'coach',
      grace: null,
    });
    expect(eve.version).toBe(version);
  });

  it('[RM-7][CD-6] while codev runs, a dropped client keeps the seat, shown away, past the grace period', async () => {
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev' });
    const facilitator = await enter({ code, name: 'Fanny', facilitatorKey: facilitatorKey! }, 'Fanny');
    const client = await enter({ code, name: 'Claire' }, 'Claire');
    for (const name of ['Anne', 'Bruno']) await enter({ code, name }, name);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    client.socket.io.engine.close();
    await expect
      .poll(() => seatOf(facilitator, client.participantId)?.grace?.timerId, { timeout: 5_000 })
      .toEqual(expect.any(String));
    expect(seatOf(facilitator, client.participantId)?.presence).toBe('away');
    // The grace timer fires (and clears), and the client is still the client.
    await expect.poll(() => seatOf(facilitator, client.participantId)?.grace, { timeout: 5_000 }).toBeNull();
    expect(seatOf(facilitator, client.participantId)).toMatchObject({
      role: 'client',
      admission: 'admitted',
      presence: 'away',
      grace: null,
    });
  });
});
