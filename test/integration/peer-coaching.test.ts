import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converged, createRoom, join, type TestParticipant } from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

describe('a whole peer-coaching session over the live protocol', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server.close();
  });

  it('[PC-1..PC-4] runs both rounds, roles swapped for the second, with no facilitator key', async () => {
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'peer-coaching' });
    expect(facilitatorKey).toBeNull();
    const ana = await join(server.url, { code, name: 'Ana' }, 'Ana');
    const ben = await join(server.url, { code, name: 'Ben' }, 'Ben');
    people.push(ana, ben);
    await converged([ana, ben]);
    const coacheeFirst = ana.seat!.role === 'coachee' ? ana : ben;
    const coachFirst = coacheeFirst === ana ? ben : ana;
    expect(coachFirst.seat!.role).toBe('coach');

    // Either member drives (PC-1).
    await coachFirst.must({ type: 'start' });
    const phaseCount = coachFirst.view!.phases.length;
    expect(phaseCount).toBe(6);

    const round = async (coachee: TestParticipant, coach: TestParticipant, n: number) => {
      await coach.must({ type: 'next_phase', from: 0 }); // sharing
      await coachee.must({ type: 'next_phase', from: 1 }); // goal
      await coachee.must({ type: 'post_card', kind: 'objective', text: `Goal of round ${n}` });
      const notTheCoach = await coach.send({ type: 'post_card', kind: 'objective', text: 'mine' });
      expect(notTheCoach.ok).toBe(false);
      await coach.must({ type: 'next_phase', from: 2 }); // reality
      await coach.must({ type: 'next_phase', from: 3 }); // options
      await coachee.must({ type: 'post_card', kind: 'option', text: `Option of round ${n}` });
      await coach.must({ type: 'next_phase', from: 4 }); // commitments
      await coachee.must({ type: 'add_action', what: `Step of round ${n}`, byWhen: 'Monday', withWhom: '' });
      await coachee.must({ type: 'set_confidence', value: 6 + n });
      const coachCommits = await coach.send({ type: 'set_confidence', value: 9 });
      expect(coachCommits.ok).toBe(false);
    };

    await round(coacheeFirst, coachFirst, 1);
    await coacheeFirst.must({ type: 'swap_roles', round: 1 });
    await converged([ana, ben]);
    expect(coacheeFirst.seat!.role).toBe('coach');
    expect(coachFirst.seat!.role).toBe('coachee');
    expect(ana.view!.coachingRound).toBe(2);
    expect(ana.view!.phases[ana.view!.phaseIndex]!.id).toBe('sharing');
    // Round 2 restarts at sharing: walk the rest with the new roles.
    await coacheeFirst.must({ type: 'previous_phase', from: 1 });
    await round(coachFirst, coacheeFirst, 2);
    const swapTwice = await ana.send({ type: 'swap_roles', round: 1 });
    expect(swapTwice.ok).toBe(false);
    await ana.must({ type: 'end', purge: false });

    await converged([ana, ben]);
    const plan = Object.values(ana.view!.actionPlan);
    expect(plan.map((a) => [a.what, a.coachingRound, a.ownerId]).sort()).toEqual(
      [
        ['Step of round 1', 1, coacheeFirst.participantId],
        ['Step of round 2', 2, coachFirst.participantId],
      ].sort(),
    );
    expect(ana.view!.confidence).toEqual({ [coacheeFirst.participantId]: 7, [coachFirst.participantId]: 8 });
    expect(ana.view!.status).toBe('ended');
  });
});
