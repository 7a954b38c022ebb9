import { type FloorNow, floorNow, mayHoldFloor, publicView, type TemplateId } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { codevRoom, goToPhase, Host, pairRoom } from './fixtures.js';

/** One reading of "who speaks now", short enough for a table. */
function said(now: FloorNow): string {
  switch (now.kind) {
    case 'idle':
      return 'idle';
    case 'you':
      return `you:${now.via}`;
    case 'open':
      return `open:${now.me}`;
    case 'speaker': {
      const me =
        now.me.kind === 'wait_turn'
          ? `wait_turn ${now.me.turns}`
          : now.me.kind === 'hand_raised'
            ? `hand_raised ${now.me.position}`
            : now.me.kind;
      return `${now.speakerId}:${now.via}/${me}`;
    }
  }
}

const readings = (host: Host) =>
  Object.fromEntries(
    Object.keys(host.room.participants).map((id) => [id, said(floorNow(publicView(host.room), id))]),
  );

function tripartite(templateId: TemplateId): Host {
  const host = new Host(templateId);
  host.join('k', 'Karim', true); // the coach holds the key
  host.join('e', 'Eve'); // coachee
  host.join('s', 'Sami'); // sponsor
  host.ok('k', { type: 'start' });
  return host;
}

function triad(): Host {
  const host = new Host('coaching-triad', { facilitatorKeyHash: null });
  host.join('e', 'Eve'); // coachee
  host.join('o', 'Olga'); // coach
  host.join('w', 'Wen'); // observer
  host.ok('e', { type: 'start' });
  return host;
}

const round = { type: 'start_round', perSpeakerMs: 60_000 } as const;

describe('who speaks now (FL-4): the table', () => {
  // codev: f facilitator, c client, a b d consultants.
  it('codev, presentation: the client alone; the others listen, the facilitator keeps the frame', () => {
    const host = codevRoom();
    expect(readings(host)).toEqual({
      f: 'open:facilitate',
      c: 'you:alone',
      a: 'open:listen',
      b: 'open:listen',
      d: 'open:listen',
    });
  });

  it('codev, clarification: shared between client and consultants; then one speaks, one queues', () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    expect(readings(host)).toEqual({
      f: 'open:facilitate',
      c: 'open:shared',
      a: 'open:shared',
      b: 'open:shared',
      d: 'open:shared',
    });
    host.ok('a', { type: 'raise_hand' });
    host.ok('b', { type: 'raise_hand' });
    host.ok('f', { type: 'give_floor' });
    expect(readings(host)).toEqual({
      f: 'a:given/facilitate',
      c: 'a:given/may_raise',
      a: 'you:given',
      b: 'a:given/hand_raised 1',
      d: 'a:given/may_raise',
    });
  });

  it('codev, consultation: the consultants one at a time, never all "your turn"; the client listens', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    expect(readings(host)).toEqual({
      f: 'open:facilitate',
      c: 'open:listen',
      a: 'open:in_turn',
      b: 'open:in_turn',
      d: 'open:in_turn',
    });
    host.ok('f', { type: 'give_floor', participantId: 'b' });
    expect(readings(host)).toEqual({
      f: 'b:given/facilitate',
      c: 'b:given/listen',
      a: 'b:given/may_raise',
      b: 'you:given',
      d: 'b:given/may_raise',
    });
    host.ok('f', { type: 'release_floor' });
    host.ok('f', { ...round, order: ['a', 'b', 'd'] });
    host.ok('a', { type: 'next_speaker' });
    expect(readings(host)).toEqual({
      f: 'b:round/facilitate',
      c: 'b:round/listen',
      a: 'b:round/had_turn',
      b: 'you:round',
      d: 'b:round/wait_turn 1',
    });
  });

  it('codev, learning round: each waits for their turn, nobody reads "the floor is shared"', () => {
    const host = codevRoom();
    goToPhase(host, 'learning');
    expect(new Set(Object.values(readings(host)))).toEqual(new Set(['open:shared']));
    host.ok('f', { ...round, order: ['c', 'a', 'b', 'd', 'f'] });
    expect(readings(host)).toEqual({
      f: 'c:round/wait_turn 4',
      c: 'you:round',
      a: 'c:round/wait_turn 1',
      b: 'c:round/wait_turn 2',
      d: 'c:round/wait_turn 3',
    });
  });

  it('codev, synthesis: the client alone', () => {
    const host = codevRoom();
    goToPhase(host, 'synthesis');
    expect(readings(host)).toMatchObject({ f: 'open:facilitate', c: 'you:alone', a: 'open:listen' });
  });

  // peer coaching: e coachee, o coach; no key seat, so nobody "keeps the frame".
  it('peer coaching: shared in the introduction; in the sharing the coachee alone, the coach listens', () => {
    const host = pairRoom();
    expect(readings(host)).toEqual({ e: 'open:shared', o: 'open:shared' });
    goToPhase(host, 'sharing', 'e');
    expect(readings(host)).toEqual({ e: 'you:alone', o: 'open:listen' });
  });

  // tripartite: k coach (key seat), e coachee, s sponsor.
  it('tripartite framing: the organisation’s request is discussed by all; the sponsor given the floor', () => {
    const host = tripartite('tripartite-framing');
    goToPhase(host, 'organisation-request', 'k');
    expect(readings(host)).toEqual({ k: 'open:shared', e: 'open:shared', s: 'open:shared' });
    host.ok('k', { type: 'give_floor', participantId: 's' });
    expect(readings(host)).toEqual({ k: 's:given/may_raise', e: 's:given/may_raise', s: 'you:given' });
  });

  it('tripartite closing: the coachee’s review is the coachee’s alone; the coach keeps the frame', () => {
    const host = tripartite('tripartite-closing');
    goToPhase(host, 'coachee-review', 'k');
    expect(readings(host)).toEqual({ k: 'open:facilitate', e: 'you:alone', s: 'open:listen' });
  });

  // coaching triad: e coachee, o coach, w observer.
  it('coaching triad: the observer listens through the steps and opens the debrief round', () => {
    const host = triad();
    goToPhase(host, 'sharing', 'e');
    expect(readings(host)).toEqual({ e: 'you:alone', o: 'open:listen', w: 'open:listen' });
    goToPhase(host, 'debrief', 'e');
    host.ok('e', { ...round, order: ['w', 'o', 'e'] });
    expect(readings(host)).toEqual({ e: 'w:round/wait_turn 2', o: 'w:round/wait_turn 1', w: 'you:round' });
  });

  it('is idle before the start and after the end', () => {
    const host = codevRoom(false);
    expect(new Set(Object.values(readings(host)))).toEqual(new Set(['idle']));
    host.ok('f', { type: 'start' });
    host.ok('f', { type: 'end', purge: false });
    expect(new Set(Object.values(readings(host)))).toEqual(new Set(['idle']));
  });
});

describe('who speaks now (FL-4): every method, phase, role and floor state', () => {
  const rooms: [string, () => Host, string][] = [
    ['codev', () => codevRoom(), 'f'],
    ['peer-coaching', () => pairRoom(), 'e'],
    ['tripartite-framing', () => tripartite('tripartite-framing'), 'k'],
    ['tripartite-closing', () => tripartite('tripartite-closing'), 'k'],
    ['coaching-triad', () => triad(), 'e'],
  ];

  it.each(rooms)('%s: one voice at a time, and nobody silenced is told to speak', (_name, make, driver) => {
    const phases = make().room.phases;
    let states = 0;
    for (let index = 0; index < phases.length; index++) {
      const people = Object.keys(make().room.participants);
      const setups: ((host: Host) => string | null)[] = [
        () => null,
        ...people.map((id) => (host: Host) => {
          host.ok(driver, { type: 'give_floor', participantId: id });
          return id;
        }),
        (host: Host) => {
          host.ok(driver, round);
          host.ok(driver, { type: 'next_speaker' });
          const r = host.room.floor.round;
          return r ? (r.order[r.index] ?? null) : null;
        },
      ];
      for (const setup of setups) {
        const host = make();
        goToPhase(host, phases[index]!.id, driver);
        let speaker: string | null;
        try {
          speaker = setup(host);
        } catch {
          continue; // a floor state this phase does not allow (a silenced role, a one-person round)
        }
        states++;
        const view = publicView(host.room);
        const now = Object.fromEntries(people.map((id) => [id, floorNow(view, id)]));
        const speaking = people.filter((id) => now[id]!.kind === 'you');
        const holders = people.filter((id) => mayHoldFloor(view, host.room.participants[id]!.role));
        if (speaker !== null) {
          // Someone holds the floor: they alone read "you", everyone else reads who it is.
          expect(speaking).toEqual([speaker]);
          for (const id of people.filter((p) => p !== speaker)) {
            expect(now[id]).toMatchObject({ kind: 'speaker', speakerId: speaker });
          }
        } else {
          // Open floor: "you" only for the one person the phase gives it to; nobody "speaker".
          expect(speaking).toEqual(holders.length === 1 ? holders : []);
          for (const id of people) expect(now[id]!.kind).not.toBe('speaker');
        }
        for (const id of people.filter((p) => !holders.includes(p))) {
          // A role without the floor is never told to speak, share, queue or raise a hand.
          const reading = now[id]!;
          if (reading.kind === 'open') expect(['listen', 'facilitate']).toContain(reading.me);
          if (reading.kind === 'speaker' && !host.room.floor.round)
            expect(['listen', 'facilitate']).toContain(reading.me.kind);
        }
      }
    }
    expect(states).toBeGreaterThan(phases.length);
  });
});
