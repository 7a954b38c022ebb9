import { randomUUID } from 'node:crypto';
import { roomCodeAlphabet } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonical,
  createRoom,
  disconnected,
  join,
  openSocket,
  refusedHandshake,
  type TestParticipant,
} from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

describe('hostile input', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  let code = '';
  let facilitator: TestParticipant;
  let client: TestParticipant;
  let consultant: TestParticipant;
  let bystander: TestParticipant;
  let before = '';

  beforeAll(async () => {
    server = await startTestServer({ MAX_CONNECTIONS_PER_IP: '12', JOIN_RATE_PER_IP: '60' });
    const room = await createRoom(server.url, { template: 'codev' });
    code = room.code;
    facilitator = await join(
      server.url,
      { code, name: 'Fanny', facilitatorKey: room.facilitatorKey! },
      'facilitator',
    );
    client = await join(server.url, { code, name: 'Claire' }, 'client');
    consultant = await join(server.url, { code, name: 'Anne' }, 'Anne');
    const other = await join(server.url, { code, name: 'Bruno' }, 'Bruno');
    // Another room, that nothing below may disturb.
    const elsewhere = await createRoom(server.url, { template: 'peer-coaching' });
    bystander = await join(server.url, { code: elsewhere.code, name: 'Bea' }, 'bystander');
    people.push(facilitator, client, consultant, other, bystander);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    await facilitator.sync();
    before = canonical(facilitator.view);
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server.close();
  });

  /** After each attack: nothing changed, and the attacker's connection still works. */
  async function unchanged() {
    await facilitator.sync();
    expect(canonical(facilitator.view)).toBe(before);
  }

  it('wrong types and shapes are refused with bad_request and the connection stays up', async () => {
    const bad: unknown[] = [
      null,
      'post_card',
      42,
      [],
      { id: 'not-a-uuid', command: { type: 'raise_hand' } },
      { id: randomUUID() },
      { id: randomUUID(), command: { type: 'post_card', kind: 'question', text: 42 } },
      { id: randomUUID(), command: { type: 'post_card', kind: 'rant', text: 'x' } },
      { id: randomUUID(), command: { type: 'fly_to_the_moon' } },
      { id: randomUUID(), command: { type: 'join', participantId: 'x', displayName: 'x', tokenHash: 'x' } },
      { id: randomUUID(), command: { type: 'time_up', timerId: 'x' } },
      { id: randomUUID(), command: { type: 'raise_hand', extra: true } },
      { id: randomUUID(), command: { type: 'add_time', ms: Number.NaN } },
    ];
    for (const payload of bad) {
      const ack = await consultant.socket.timeout(5_000).emitWithAck('room:command', payload as never);
      expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(consultant.socket.connected).toBe(true);
    // Events nobody serves: answered bad_request when they ask for an answer, dropped otherwise.
    const raw = consultant.socket as unknown as {
      timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
      emit(event: string, ...args: unknown[]): void;
    };
    expect(await raw.timeout(5_000).emitWithAck('room:drop_table', {})).toMatchObject({
      error: { code: 'bad_request' },
    });
    raw.emit('admin:shutdown', { now: true });
    const ping = await consultant.socket.timeout(5_000).emitWithAck('time:ping', { clientTime: Date.now() });
    expect(ping).toMatchObject({ serverTime: expect.any(Number) });
    await unchanged();
  });

  it('prototype-pollution keys change nothing', async () => {
    const payloads = [
      JSON.parse(`{"id":"${randomUUID()}","command":{"type":"raise_hand","__proto__":{"polluted":true}}}`),
      JSON.parse(`{"id":"${randomUUID()}","__proto__":{"polluted":true},"command":{"type":"raise_hand"}}`),
      JSON.parse(
        `{"id":"${randomUUID()}","command":{"type":"post_card","kind":"question","text":"x","constructor":{"prototype":{"polluted":true}}}}`,
      ),
      JSON.parse(`{"id":"${randomUUID()}","command":{"type":"keep_card","cardId":"__proto__"}}`),
      JSON.parse(`{"id":"${randomUUID()}","command":{"type":"admit","participantId":"constructor"}}`),
    ];
    for (const payload of payloads) {
      const ack = await consultant.socket.timeout(5_000).emitWithAck('room:command', payload);
      expect(ack.ok).toBe(false);
    }
    expect(
      await refusedHandshake(server.url, JSON.parse(`{"code":"${code}","name":"X","__proto__":{"a":1}}`)),
    ).toBe('bad_request');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    await unchanged();
  });

  it('over-long texts are refused with text_too_long', async () => {
    for (const text of ['x'.repeat(501), 'x'.repeat(6_000)]) {
      const ack = await consultant.send({ type: 'post_card', kind: 'question', text });
      expect(ack).toMatchObject({ ok: false, error: { code: 'text_too_long' } });
    }
    expect(await refusedHandshake(server.url, { code, name: 'n'.repeat(300) })).toBe('bad_request');
    await unchanged();
  });

  it('a 2 MB frame closes only the socket that sent it', async () => {
    const attacker = await join(server.url, { code, name: 'Mallory' }, 'Mallory');
    people.push(attacker);
    await facilitator.sync();
    before = canonical(facilitator.view);
    const gone = disconnected(attacker.socket);
    attacker.socket.emit(
      'room:command',
      {
        id: randomUUID(),
        command: { type: 'post_card', kind: 'question', text: 'x'.repeat(2 * 1024 * 1024) },
      },
      () => {},
    );
    await gone;
    // Everyone else carries on.
    const ack = await consultant.send({ type: 'raise_hand' });
    expect(ack.ok).toBe(true);
    await consultant.must({ type: 'lower_hand' });
    await facilitator.sync();
    before = canonical(facilitator.view);
  });

  it('commands from the wrong role are refused', async () => {
    expect(await consultant.send({ type: 'next_phase', from: 1 })).toMatchObject({
      ok: false,
      error: { code: 'not_facilitator' },
    });
    expect(await client.send({ type: 'lock_room' })).toMatchObject({ ok: false });
    expect(
      await consultant.send({ type: 'remove_participant', participantId: client.participantId }),
    ).toMatchObject({
      ok: false,
    });
    expect(await consultant.send({ type: 'end', purge: true })).toMatchObject({ ok: false });
    await unchanged();
  });

  it('a wrong facilitator key and a foreign Origin are refused at the handshake', async () => {
    expect(await refusedHandshake(server.url, { code, name: 'Eve', facilitatorKey: 'A'.repeat(32) })).toBe(
      'bad_facilitator_key',
    );
    expect(
      await refusedHandshake(
        server.url,
        { code, name: 'Eve' },
        { extraHeaders: { origin: 'https://evil.example' } },
      ),
    ).toBe('origin_not_allowed');
    expect(
      await refusedHandshake(server.url, { code, name: 'Eve' }, { extraHeaders: { origin: 'null' } }),
    ).toBe('origin_not_allowed');
    // The server's own origin is welcome.
    const own = await join(server.url, { code, resumeToken: consultant.resumeToken }, 'same origin', {
      extraHeaders: { origin: server.url },
    });
    own.close();
    await unchanged();
  });

  it('[HT-4] connections per address are capped', async () => {
    // Many tabs of one seat: the people already connected hold 5 of the 12. Beyond the cap the WebSocket
    // upgrade itself is refused (no Socket.IO code then: `transport` here).
    const sockets = Array.from({ length: 10 }, () =>
      openSocket(server.url, { code, resumeToken: consultant.resumeToken }),
    );
    const outcomes = await Promise.all(
      sockets.map(
        (s) =>
          new Promise<string>((resolve) => {
            s.once('session:welcome', () => resolve('welcome'));
            s.once('connect_error', (e: Error & { data?: { code?: string } }) =>
              resolve(e.data?.code ?? 'error'),
            );
          }),
      ),
    );
    for (const s of sockets) s.close();
    expect(outcomes.filter((o) => o === 'welcome')).toHaveLength(7);
    expect(outcomes.filter((o) => o !== 'welcome')).toHaveLength(3);
  });

  it('1,000 code guesses from one address are all refused; the rooms are unaffected', async () => {
    const guess = () =>
      Array.from({ length: 7 }, () => roomCodeAlphabet[Math.floor(Math.random() * 31)]).join('');
    const answers: Record<string, number> = {};
    // Five at a time: the people connected hold 5 of the address's 12 connections.
    for (let batch = 0; batch < 200; batch++) {
      const codes = await Promise.all(
        Array.from({ length: 5 }, () => refusedHandshake(server.url, { code: guess(), name: 'Guesser' })),
      );
      for (const c of codes) answers[c] = (answers[c] ?? 0) + 1;
    }
    console.log('1,000 guesses answered:', answers);
    expect(Object.values(answers).reduce((a, b) => a + b, 0)).toBe(1_000);
    // `transport`: a guess whose WebSocket was refused at the door while the address held its cap.
    expect(
      Object.keys(answers).filter((c) => !['room_not_found', 'rate_limited', 'transport'].includes(c)),
    ).toEqual([]);
    expect(answers.room_not_found ?? 0).toBeLessThanOrEqual(30);
    // Once throttled, even the right code is refused from that address.
    expect(await refusedHandshake(server.url, { code, name: 'Guesser' })).toBe('rate_limited');
    // People already in are unaffected, in this room and the other.
    expect((await consultant.send({ type: 'raise_hand' })).ok).toBe(true);
    expect((await bystander.socket.timeout(5_000).emitWithAck('room:sync', {})).ok).toBe(true);
    await consultant.must({ type: 'lower_hand' });
  });
});
