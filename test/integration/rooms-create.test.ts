import type { PhaseSpecRequest } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/** `POST /api/rooms` with a title, a locale and a phase list (RC-1, CU-2), end to end. */
describe('creating a room with a title, a locale and its own phases', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server?.close();
  });

  const post = (body: unknown) =>
    fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const created = () => server.logs.filter((line) => line.includes('"event":"room_created"')).length;

  it('[RC-1] the title and the locale are kept: in the public facts and in the room everyone sees; never logged', async () => {
    const title = 'CanaryTitleRc1 du mardi';
    const { code, facilitatorKey } = await createRoom(server.url, {
      template: 'codev',
      title: `  ${title}  `,
      locale: 'en',
    });
    const facts = await (await fetch(`${server.url}/api/rooms/${code}`)).json();
    expect(facts).toEqual({ template: 'codev', title, locale: 'en', status: 'lobby', people: 0 });
    const facilitator = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! });
    people.push(facilitator);
    expect(facilitator.view).toMatchObject({ title, locale: 'en' });
    expect(server.logs.join('\n')).not.toContain('CanaryTitleRc1');

    const plain = await createRoom(server.url, { template: 'peer-coaching' });
    expect(await (await fetch(`${server.url}/api/rooms/${plain.code}`)).json()).toMatchObject({
      title: null,
      locale: 'fr',
    });
    expect((await post({ template: 'codev', title: 't'.repeat(121) })).status).toBe(400);
    expect((await post({ template: 'codev', locale: 'de' })).status).toBe(400);
  });

  it('[CU-2] a facilitator’s phase list becomes the room’s phases: renamed, reordered, retimed, one dropped, one added', async () => {
    const phases: PhaseSpecRequest[] = [
      { from: 'expose', durationMs: 5 * 60_000 },
      { from: 'consultation', name: { fr: 'Suggestions', en: 'Suggestions' } },
      { from: 'clarification', floor: ['consultant', 'facilitator'] },
      { name: { fr: 'CanaryPhaseName pause', en: 'Break' }, durationMs: 2 * 60_000 },
      { from: 'synthesis' },
    ];
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev', phases });
    const facilitator = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! });
    people.push(facilitator);
    const view = facilitator.view!;
    expect(view.phases.map((p) => p.id)).toEqual([
      'expose',
      'consultation',
      'clarification',
      'added-1',
      'synthesis',
    ]);
    expect(view.phases[0]!.durationMs).toBe(5 * 60_000);
    expect(view.phases[1]!.name.en).toBe('Suggestions');
    expect(view.phases[2]!.floor).toEqual(['consultant', 'facilitator']);
    expect(view.phases[3]).toMatchObject({ name: { en: 'Break' }, durationMs: 2 * 60_000, board: [] });
    expect(server.logs.join('\n')).not.toContain('CanaryPhaseName');
  });

  it('[CU-2] a phase list the method cannot run is a 400 with the engine’s code and the phase at fault; nothing is created', async () => {
    const before = created();
    const cases: Array<[unknown, string, number | undefined]> = [
      // Peer coaching has no consultant.
      [{ template: 'peer-coaching', phases: [{ from: 'sharing', floor: ['consultant'] }] }, 'wrong_role', 0],
      [{ template: 'codev', phases: [{ from: 'expose' }, { from: 'no-such-phase' }] }, 'invalid', 1],
      [{ template: 'codev', phases: [{ from: 'expose' }, { from: 'expose' }] }, 'invalid', 1],
      [{ template: 'codev', phases: [{ from: 'expose' }, { name: { fr: 'x', en: 'x' } }] }, 'invalid', 1],
      [{ template: 'codev', phases: [{ from: 'expose', durationMs: 1_000 }] }, 'invalid', 0],
      [
        { template: 'codev', phases: [{ from: 'expose', name: { fr: 'n'.repeat(61), en: 'n' } }] },
        'text_too_long',
        0,
      ],
    ];
    for (const [body, code, phase] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = (await res.json()) as { error: { code: string; message: string; phase?: number } };
      expect(answer.error.code, JSON.stringify(body)).toBe(code);
      expect(answer.error.phase, JSON.stringify(body)).toBe(phase);
      expect(answer.error.message).not.toContain('nnnn');
    }
    // Wrong shapes never reach the engine: `bad_request`.
    for (const phases of [
      [],
      [{ from: 'expose', colour: 'red' }],
      [{ from: 'expose', floor: ['admin'] }],
      'expose',
    ]) {
      const res = await post({ template: 'codev', phases });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }
    expect(created()).toBe(before);
  });
});
