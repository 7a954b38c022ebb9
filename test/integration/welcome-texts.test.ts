import { type Snapshot, TEXTS_VERSION, type Welcome } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  converged,
  createRoom,
  join,
  nextEvent,
  openSocket,
  type TestParticipant,
} from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/** SPEC VW-10 end to end: welcomes and syncs without the built-in texts for a client that holds them. */
describe('snapshots without the built-in texts (VW-10)', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server?.close();
  });

  /** The raw welcome of a join with this auth (no texts put back). */
  async function rawWelcome(auth: Record<string, unknown>): Promise<Welcome> {
    const socket = openSocket(server.url, auth);
    try {
      return await nextEvent(socket, 'session:welcome');
    } finally {
      socket.close();
    }
  }

  it('[VW-10] a client holding the texts gets them left out, others get them all; both draw the same room', async () => {
    const { code, facilitatorKey } = await createRoom(server.url, {
      template: 'codev',
      phases: [{ from: 'expose' }, { from: 'consultation', name: { fr: 'Idées', en: 'Ideas' } }],
    });
    const facilitator = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! });
    people.push(facilitator);

    const lean = await rawWelcome({ code, name: 'Lina', texts: TEXTS_VERSION });
    const full = await rawWelcome({ code, name: 'Fred' });
    const stale = await rawWelcome({ code, name: 'Olga', texts: 'an-older-page' });
    expect(lean.snapshot.view.template).not.toHaveProperty('rules');
    expect(lean.snapshot.view.phases[0]).not.toHaveProperty('name');
    // The room's own text is sent all the same.
    expect(lean.snapshot.view.phases[1]!.name).toEqual({ fr: 'Idées', en: 'Ideas' });
    for (const whole of [full, stale]) {
      expect(whole.snapshot.view.template.rules?.fr.length).toBeGreaterThan(0);
      expect(whole.snapshot.view.phases[0]!.name).toBeDefined();
    }
    expect(JSON.stringify(lean).length).toBeLessThan(JSON.stringify(full).length - 1_000);

    // Put back, the lean view is the view a client given every text holds.
    const withTexts = await join(server.url, { code, name: 'Zoé' }, 'zoe');
    const withoutTexts = await join(server.url, { code, name: 'Yann', texts: undefined }, 'yann');
    people.push(withTexts, withoutTexts);
    await converged([facilitator, withTexts, withoutTexts]);
    expect(withTexts.view).toEqual(withoutTexts.view);
    expect(withTexts.view!.phases[0]!.name.fr.length).toBeGreaterThan(0);
  });

  it('[VW-10] room:sync answers the same way as the connection’s welcome', async () => {
    const { code } = await createRoom(server.url, { template: 'peer-coaching' });
    const lean = await join(server.url, { code, name: 'Lina' }, 'lina');
    const full = await join(server.url, { code, name: 'Fred', texts: undefined }, 'fred');
    people.push(lean, full);
    const leanAck = await lean.socket.timeout(5_000).emitWithAck('room:sync', {});
    const fullAck = await full.socket.timeout(5_000).emitWithAck('room:sync', {});
    const viewOf = (ack: unknown) => (ack as { snapshot: Snapshot }).snapshot.view;
    expect(viewOf(leanAck).template).not.toHaveProperty('name');
    expect(viewOf(fullAck).template.name).toBeDefined();
    await lean.reach(full.version);
    expect(lean.view).toEqual(full.view);
  });
});
