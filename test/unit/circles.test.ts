import {
  addMember,
  type Circle,
  captureSession,
  carryLogbook,
  createCircle,
  createRoom,
  exportCircle,
  importCircle,
  nextFirstCoachee,
  nextSessionKinds,
  openSession,
  pendingFollowUps,
  planSession,
  proposeClient,
  type Room,
  reissueLink,
  removeMember,
  seatTaken,
  updateFollowUp,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { sealedOf } from '../support/sealed.js';

const t0 = 1_700_000_000_000;
const ok = (outcome: { ok: true; circle: Circle } | { ok: false; message: string }) => {
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.circle;
};
const circleOf = (kind: Circle['kind'], names: string[]) => {
  let c = ok(
    createCircle(
      {
        id: 'c_0123456789abcdefghij',
        kind,
        title: ' Groupe ',
        locale: 'fr',
        facilitatorKeyHash: 'f',
        seatKey: 'k',
      },
      t0,
    ),
  );
  for (const [i, name] of names.entries())
    c = ok(addMember(c, { id: `m_member${String(i).padStart(4, '0')}`, name, secretHash: `h-${name}` }, t0));
  return c;
};
const id = (i: number) => `m_member${String(i).padStart(4, '0')}`;

/** A session opened and its room seated with the members given, roles as listed. */
function heldSession(c: Circle, seats: [number, string][], edit: (room: Room) => Room = (r) => r) {
  const plan = planSession(c);
  if ('error' in plan) throw new Error(plan.message);
  const code = `ROOM${c.sessions.length}AB`;
  let circle = ok(openSession(c, plan, code, t0 + 1000));
  const base = createRoom({ code, templateId: plan.template }, t0);
  const participants: Room['participants'] = {};
  for (const [member, role] of seats) {
    circle = ok(seatTaken(circle, circle.sessions.length, id(member), `p${member}`, t0));
    participants[`p${member}`] = {
      id: `p${member}`,
      displayName: circle.members[id(member)]!.name,
      role: role as Room['participants'][string]['role'],
      presence: 'connected',
      admission: 'admitted',
      grace: null,
      tokenHash: 'x',
      joinedAt: t0,
      anonymousCardIds: [],
      hiddenTexts: {},
      stars: [],
    };
  }
  return { circle, room: edit({ ...base, participants, status: 'ended' }) };
}

describe('circles', () => {
  it('[CI-1][CI-2][RM-9] a circle: trimmed title, members in a strict join order, limits per kind, names rooms take', () => {
    const c = circleOf('codev', ['Anne', 'Bruno']);
    expect(c.title).toBe('Groupe');
    expect(c.members[id(1)]!.joinedAt).toBeGreaterThan(c.members[id(0)]!.joinedAt);
    expect(c.version).toBe(2);
    const pair = circleOf('peer-coaching', ['Ines', 'Jules']);
    expect(addMember(pair, { id: 'm_member9999', name: 'Karim', secretHash: 'h' }, t0)).toMatchObject({
      ok: false,
      code: 'limit_reached',
    });
    const tri = circleOf('tripartite', ['Léa', 'Marc']);
    expect(Object.values(tri.members).map((m) => m.role)).toEqual(['coachee', 'sponsor']);
    // RM-9: a name the rooms would refuse is refused at the door: a role's word, a look-alike of a member's.
    for (const name of ['Coach', 'animatrice', 'ANNE', 'Ánne', 'Аnne' /* Cyrillic A */]) {
      expect(addMember(c, { id: 'm_member8888', name, secretHash: 'h' }, t0), name).toMatchObject({
        ok: false,
        code: 'name_taken',
      });
    }
    const spaced = addMember(c, { id: 'm_member8888', name: ' Chloé\u200b  Martin ', secretHash: 'h' }, t0);
    expect(spaced.ok && spaced.circle.members.m_member8888!.name).toBe('Chloé Martin');
    expect(
      createCircle(
        { id: 'c_x', kind: 'codev', title: '  ', locale: 'fr', facilitatorKeyHash: '', seatKey: '' },
        t0,
      ).ok,
    ).toBe(false);
  });

  it('[CI-3] a reissued link replaces the hash; a removed member leaves no data and no name in records', () => {
    let c = circleOf('codev', ['Anne', 'Bruno']);
    c = ok(reissueLink(c, id(0), 'new-hash', t0));
    expect(c.members[id(0)]!.secretHash).toBe('new-hash');
    const held = heldSession(
      c,
      [
        [0, 'client'],
        [1, 'consultant'],
      ],
      (r) => ({
        ...r,
        actionPlan: {
          a1: {
            id: 'a1',
            ownerId: 'p0',
            what: 'Agir',
            byWhen: '',
            withWhom: '',
            coachingRound: 1,
            createdAt: t0,
          },
        },
        logbooks: {
          p0: {
            e1: {
              id: 'e1',
              sealed: sealedOf('Mon carnet intime'),
              phaseId: null,
              createdAt: t0,
              updatedAt: t0,
            },
          },
        },
      }),
    );
    c = ok(captureSession(held.circle, 1, held.room, t0));
    expect(Object.keys(c.followUps)).toHaveLength(1);
    c = ok(removeMember(c, id(0), t0));
    expect(c.members[id(0)]).toBeUndefined();
    expect(c.followUps).toEqual({});
    expect(JSON.stringify(c)).not.toContain('Anne');
    expect(JSON.stringify(c)).not.toContain('Mon carnet intime');
    expect(removeMember(c, '__proto__', t0)).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('[CI-4] codev rotation: fewest times client, never the last client, then join order', () => {
    let c = circleOf('codev', ['Anne', 'Bruno', 'Chloé']);
    expect(proposeClient(c)?.name).toBe('Anne');
    const first = heldSession(c, [
      [0, 'client'],
      [1, 'consultant'],
      [2, 'consultant'],
    ]);
    c = ok(captureSession(first.circle, 1, first.room, t0));
    expect(c.sessions[0]!.record?.clientId).toBe(id(0));
    expect(proposeClient(c)?.name).toBe('Bruno');
    const second = heldSession(c, [
      [1, 'client'],
      [0, 'consultant'],
      [2, 'consultant'],
    ]);
    c = ok(captureSession(second.circle, 2, second.room, t0));
    expect(proposeClient(c)?.name).toBe('Chloé');
    // The facilitator may pick someone else; an unknown id is refused.
    expect(planSession(c, { clientId: id(0) })).toMatchObject({ clientId: id(0) });
    expect(planSession(c, { clientId: 'm_nobody00000' })).toMatchObject({ error: 'invalid' });
  });

  it('[CI-5] a pair alternates who is coached first', () => {
    let c = circleOf('peer-coaching', ['Ines', 'Jules']);
    expect(nextFirstCoachee(c)?.name).toBe('Ines');
    const held = heldSession(c, [
      [0, 'coachee'],
      [1, 'coach'],
    ]);
    c = ok(captureSession(held.circle, 1, held.room, t0));
    expect(c.sessions[0]!.record?.firstCoacheeId).toBe(id(0));
    expect(nextFirstCoachee(c)?.name).toBe('Jules');
    // Round two swaps the roles: the first coachee is then the coach.
    const swapped = heldSession(
      c,
      [
        [1, 'coach'],
        [0, 'coachee'],
      ],
      (r) => ({ ...r, coachingRound: 2 }),
    );
    c = ok(captureSession(swapped.circle, 2, swapped.room, t0));
    expect(c.sessions[1]!.record?.firstCoacheeId).toBe(id(1));
    expect(nextFirstCoachee(c)?.name).toBe('Ines');
  });

  it('[CI-6] action items are carried until done or dropped; only their owner updates them', () => {
    const c0 = circleOf('codev', ['Anne', 'Bruno']);
    const held = heldSession(
      c0,
      [
        [0, 'client'],
        [1, 'consultant'],
      ],
      (r) => ({
        ...r,
        confidence: { p0: 5 },
        actionPlan: {
          a2: {
            id: 'a2',
            ownerId: 'p0',
            what: 'Second',
            byWhen: '',
            withWhom: '',
            coachingRound: 1,
            createdAt: t0 + 2,
          },
          a1: {
            id: 'a1',
            ownerId: 'p0',
            what: 'First',
            byWhen: 'lundi',
            withWhom: '',
            coachingRound: 1,
            createdAt: t0 + 1,
          },
        },
      }),
    );
    let c = ok(captureSession(held.circle, 1, held.room, t0));
    expect(pendingFollowUps(c).map((f) => [f.what, f.confidenceThen])).toEqual([
      ['First', 5],
      ['Second', 5],
    ]);
    const [first, second] = pendingFollowUps(c);
    expect(updateFollowUp(c, id(1), first!.id, { status: 'done' }, t0)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(updateFollowUp(c, id(0), first!.id, { status: 'done', confidenceNow: 11 }, t0).ok).toBe(false);
    c = ok(updateFollowUp(c, id(0), first!.id, { status: 'done', note: 'Fait', confidenceNow: 8 }, t0));
    c = ok(updateFollowUp(c, id(0), second!.id, { status: 'in_progress' }, t0));
    expect(pendingFollowUps(c).map((f) => [f.what, f.status])).toEqual([['Second', 'in_progress']]);
    c = ok(updateFollowUp(c, id(0), second!.id, { status: 'dropped' }, t0));
    expect(pendingFollowUps(c)).toEqual([]);
    // Capturing the same room again does not bring a done item back.
    c = ok(captureSession(c, 1, held.room, t0));
    expect(pendingFollowUps(c)).toEqual([]);
  });

  it('[CI-7] a tripartite engagement: framing, then coaching/midpoint/closing; closing seeded with the indicators', () => {
    let c = circleOf('tripartite', ['Léa', 'Marc']);
    expect(nextSessionKinds(c)).toEqual(['framing']);
    const framing = heldSession(
      c,
      [
        [0, 'coachee'],
        [1, 'sponsor'],
      ],
      (r) => ({
        ...r,
        cards: {
          o: {
            id: 'o',
            kind: 'objective',
            text: 'Déléguer',
            anonymous: false,
            seeded: false,
            hidden: false,
            status: 'open',
            phaseId: 'x',
            createdAt: t0,
            editedAt: null,
          },
          i: {
            id: 'i',
            kind: 'indicator',
            text: 'Deux dossiers',
            anonymous: false,
            seeded: false,
            hidden: false,
            status: 'open',
            phaseId: 'x',
            createdAt: t0 + 1,
            editedAt: null,
          },
        },
      }),
    );
    c = ok(captureSession(framing.circle, 1, framing.room, t0));
    expect(nextSessionKinds(c)).toEqual(['coaching', 'midpoint', 'closing']);
    expect(planSession(c, { kind: 'closing' })).toMatchObject({
      template: 'tripartite-closing',
      indicators: ['Deux dossiers'],
    });
    expect(planSession(c, { kind: 'framing' })).toMatchObject({ error: 'wrong_status' });
  });

  it('[CI-8] the logbook carried from session to session keeps where each entry was first written', () => {
    const before = [{ sealed: sealedOf('ancienne'), session: 1, at: t0 }];
    const after = carryLogbook(
      before,
      [
        { sealed: sealedOf('ancienne'), createdAt: t0 + 50 },
        { sealed: sealedOf('nouvelle'), createdAt: t0 + 60 },
      ],
      2,
    );
    expect(after).toEqual([
      { sealed: sealedOf('ancienne'), session: 1, at: t0 },
      { sealed: sealedOf('nouvelle'), session: 2, at: t0 + 60 },
    ]);
    // Deleted in the session: gone from the carried logbook too.
    expect(carryLogbook(after, [{ sealed: sealedOf('nouvelle'), createdAt: t0 }], 3)).toEqual([
      { sealed: sealedOf('nouvelle'), session: 2, at: t0 + 60 },
    ]);
  });

  it('[CI-10] export then import: same members in order, sessions, records and follow-up; no secrets', () => {
    const c0 = circleOf('codev', ['Anne', 'Bruno', 'Chloé']);
    const held = heldSession(
      c0,
      [
        [0, 'client'],
        [1, 'consultant'],
      ],
      (r) => ({
        ...r,
        actionPlan: {
          a1: {
            id: 'a1',
            ownerId: 'p0',
            what: 'Agir',
            byWhen: '',
            withWhom: '',
            coachingRound: 1,
            createdAt: t0,
          },
        },
        logbooks: {
          p0: { e1: { id: 'e1', sealed: sealedOf('privé'), phaseId: null, createdAt: t0, updatedAt: t0 } },
        },
      }),
    );
    const c = ok(captureSession(held.circle, 1, held.room, t0));
    const file = exportCircle(c, t0);
    const text = JSON.stringify(file);
    for (const secret of ['h-Anne', sealedOf('privé'), 'ROOM0AB', 'seatKey', c.id])
      expect(text).not.toContain(secret);
    const copy = ok(
      importCircle(
        file,
        { id: 'c_newnewnewnewnewnew00', facilitatorKeyHash: 'g', seatKey: 's' },
        [
          { id: 'm_copy00000000', secretHash: 'a' },
          { id: 'm_copy00000001', secretHash: 'b' },
          { id: 'm_copy00000002', secretHash: 'c' },
        ],
        t0,
      ),
    );
    expect(Object.values(copy.members).map((m) => m.name)).toEqual(['Anne', 'Bruno', 'Chloé']);
    expect(copy.sessions[0]!.record?.clientId).toBe('m_copy00000000');
    expect(pendingFollowUps(copy).map((f) => [f.what, f.ownerId])).toEqual([['Agir', 'm_copy00000000']]);
    expect(proposeClient(copy)?.name).toBe('Bruno');
  });
});
