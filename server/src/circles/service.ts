import { createHmac, randomBytes } from 'node:crypto';
import {
  addMember,
  buildRoom,
  type CarriedAction,
  type Circle,
  type CircleErrorCode,
  type CircleExport,
  type CircleKind,
  type CircleOutcome,
  type CircleRefusal,
  type CircleView,
  captureSession,
  circleFacts,
  circleView,
  createCircle,
  type Decision,
  decide,
  type EngineCommand,
  exportCircle,
  FACILITATOR_SEAT,
  type FollowUpItem,
  type FollowUpRequest,
  importCircle,
  keyHolder,
  MAX_CARRIED_ACTIONS,
  MAX_LOGBOOK_ENTRIES,
  memberByLink,
  memberMaySee,
  memberOf,
  openSession,
  planSession,
  type Role,
  type Room,
  reissueLink,
  removeMember,
  type SessionKind,
  seatTaken,
  updateFollowUp,
} from '@cercle/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { EngineStore } from '../rooms/roomService.js';
import { hashSecret, newId, newRoomCode, newSecret } from '../rooms/secrets.js';
import type { CircleStore } from './store.js';

export type CircleResult<T> = { ok: true; value: T } | { ok: false; code: CircleErrorCode };
const fail = (code: CircleErrorCode): { ok: false; code: CircleErrorCode } => ({ ok: false, code });

/** Who is calling: the facilitator (key), a member (their link), or nobody the circle knows. */
export type Caller = { role: 'facilitator' } | { role: 'member'; memberId: string };

/**
 * The participant id a seat (a member id or the facilitator seat) takes in a session's room: derived from
 * the circle's server-side key, so it is known when the room is opened and the same on every entry.
 */
export function seatParticipantId(circle: Circle, seatId: string, code: string): string {
  return `p_${createHmac('sha256', circle.seatKey).update(`participant|${seatId}|${code}`).digest('base64url').slice(0, 16)}`;
}

/** CS-1: the circle's pending items as a room's follow-up step holds them. */
function carriedActions(circle: Circle, items: FollowUpItem[], code: string): CarriedAction[] {
  return items.flatMap((item) => {
    const owner = memberOf(circle, item.ownerId);
    if (!owner) return [];
    return [
      {
        id: item.id,
        ownerId: seatParticipantId(circle, owner.id, code),
        ownerName: owner.name,
        what: item.what,
        byWhen: item.byWhen,
        withWhom: item.withWhom,
        fromSession: item.fromSession,
        status: item.status,
        note: item.note,
        confidenceThen: item.confidenceThen,
        confidenceNow: item.confidenceNow,
        updatedAt: null,
      },
    ];
  });
}
/** 128 random bits: circle ids are public inside the circle, unguessable outside it. */
export const newCircleId = () => `c_${randomBytes(16).toString('base64url')}`;
const newMemberId = () => `m_${newId()}`;

function refusalCode(refusal: CircleRefusal): CircleErrorCode {
  switch (refusal.code) {
    case 'not_found':
      return 'invalid';
    case 'forbidden':
      return 'not_yours';
    default:
      return refusal.code;
  }
}

/**
 * Circles over their store and the room store (docs/design.md, "Circles"): the rules are the pure
 * functions of `@cercle/shared` (circles/); this runs them, makes the secrets, opens the sessions'
 * rooms, seats members in them and brings each room's record back to its circle. It logs events and
 * ids of nothing: never a title, a name, an id or a secret (CI-13).
 */
export class CircleService {
  private readonly log: FastifyBaseLogger;
  private readonly now: () => number;
  private readonly unsubscribe: () => void;
  /** Room code -> circle id (or null: a room outside any circle), so most room writes cost nothing here. */
  private readonly roomCircle = new Map<string, string | null>();

  constructor(
    private readonly deps: {
      circles: CircleStore;
      rooms: EngineStore;
      logger: FastifyBaseLogger;
      now?: () => number;
    },
  ) {
    this.log = deps.logger.child({ component: 'circles' });
    this.now = deps.now ?? Date.now;
    this.unsubscribe = deps.rooms.onApplied((code, applied) => {
      const last = applied.decisions.at(-1);
      if (!last) return;
      const before = applied.before;
      const after = last.room;
      // A phase change, a round swap, the end, a follow-up mark (CS-2) or a confirmed topic (CS-3): the
      // moments a session's record is brought back.
      if (
        before.phaseIndex === after.phaseIndex &&
        before.status === after.status &&
        before.coachingRound === after.coachingRound &&
        before.followUp === after.followUp &&
        before.topicRound?.chosenId === after.topicRound?.chosenId
      )
        return;
      void this.captureRoom(code, after).catch((error: unknown) =>
        this.log.warn(
          { event: 'circle_capture_failed', error: error instanceof Error ? error.name : 'unknown' },
          'capture',
        ),
      );
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  // --- creating, reading ---------------------------------------------------------------------------------

  async create(input: { kind: CircleKind; title: string; locale: 'fr' | 'en' }) {
    const facilitatorKey = newSecret();
    const made = createCircle(
      {
        ...input,
        id: newCircleId(),
        facilitatorKeyHash: hashSecret(facilitatorKey),
        seatKey: randomBytes(32).toString('base64url'),
      },
      this.now(),
    );
    if (!made.ok) return fail('invalid');
    if (!(await this.deps.circles.create(made.circle))) return fail('invalid');
    this.log.info({ event: 'circle_created', kind: input.kind }, 'circle created');
    return { ok: true as const, value: { circleId: made.circle.id, facilitatorKey } };
  }

  async facts(circleId: string) {
    const circle = await this.deps.circles.load(circleId);
    return circle ? circleFacts(circle) : null;
  }

  /** The caller a bearer secret makes of this circle: its facilitator, one of its members, or nobody. */
  caller(circle: Circle, secret: string | null): Caller | null {
    if (!secret) return null;
    const hash = hashSecret(secret);
    if (hash === circle.facilitatorKeyHash) return { role: 'facilitator' };
    const member = memberByLink(circle, hash);
    return member ? { role: 'member', memberId: member.id } : null;
  }

  /** The circle as the caller sees it; the open session's record is brought up to date first. */
  async view(circleId: string, secret: string | null): Promise<CircleResult<CircleView>> {
    const found = await this.authorised(circleId, secret);
    if (!found.ok) return found;
    let circle = found.value.circle;
    const current = circle.sessions.at(-1);
    if (current?.roomCode && !current.record?.ended) {
      const room = await this.deps.rooms.load(current.roomCode);
      if (room && room.lastActivityAt > (current.record?.capturedAt ?? 0)) {
        circle = (await this.captureRoom(room.code, room)) ?? circle;
      }
    }
    return { ok: true, value: circleView(circle, found.value.caller) };
  }

  // --- members -------------------------------------------------------------------------------------------

  /** CI-2: someone joins by name (or the facilitator adds them): a personal link secret, hash stored. */
  async join(circleId: string, input: { name: string; role?: 'coachee' | 'sponsor' | undefined }) {
    const secret = newSecret();
    const memberId = newMemberId();
    const result = await this.write(circleId, (c) =>
      addMember(
        c,
        { id: memberId, name: input.name, secretHash: hashSecret(secret), role: input.role },
        this.now(),
      ),
    );
    if (!result.ok) return result;
    this.log.info({ event: 'circle_member_joined' }, 'member joined');
    return { ok: true as const, value: { memberId, secret } };
  }

  /** CI-3: a member's new link (facilitator only); the old one is refused from this write on. */
  async reissue(circleId: string, secret: string | null, memberId: string) {
    const found = await this.authorised(circleId, secret, 'facilitator');
    if (!found.ok) return found;
    const fresh = newSecret();
    const result = await this.write(circleId, (c) => reissueLink(c, memberId, hashSecret(fresh), this.now()));
    if (!result.ok) return result;
    return { ok: true as const, value: { memberId, secret: fresh } };
  }

  /** CI-3: the facilitator removes a member, or a member leaves (their own id): their data goes too. */
  async remove(circleId: string, secret: string | null, memberId: string): Promise<CircleResult<null>> {
    const found = await this.authorised(circleId, secret);
    if (!found.ok) return found;
    const { caller } = found.value;
    if (caller.role === 'member' && caller.memberId !== memberId) return fail('not_facilitator');
    const result = await this.write(circleId, (c) => removeMember(c, memberId, this.now()));
    if (!result.ok) return result;
    this.log.info({ event: 'circle_member_removed', self: caller.role === 'member' }, 'member removed');
    return { ok: true, value: null };
  }

  // --- sessions ------------------------------------------------------------------------------------------

  /** CI-7: the facilitator opens the next session: a room from the circle's method, seats for members. */
  async openSession(
    circleId: string,
    secret: string | null,
    options: {
      kind?: SessionKind | undefined;
      clientId?: string | undefined;
      topicRound?: boolean | undefined;
    },
  ): Promise<CircleResult<{ number: number; code: string }>> {
    const found = await this.authorised(circleId, secret, 'facilitator');
    if (!found.ok) return found;
    let circle = found.value.circle;
    // The previous session's room, if still there, is brought back first: its record and action items.
    const previous = circle.sessions.at(-1);
    if (previous?.roomCode) {
      const room = await this.deps.rooms.load(previous.roomCode);
      if (room) circle = (await this.captureRoom(room.code, room)) ?? circle;
    }
    const plan = planSession(circle, options);
    if ('error' in plan) return fail(plan.error);
    const now = this.now();
    for (let attempt = 0; attempt < 8; attempt++) {
      const code = newRoomCode();
      const built = buildRoom(
        {
          code,
          templateId: plan.template,
          // The circle's key opens the facilitator (coach) seat of each of its rooms; a pair has none.
          facilitatorKeyHash: plan.template === 'peer-coaching' ? null : circle.facilitatorKeyHash,
          title: `${circle.title} · ${circle.sessions.length + 1}`.slice(0, 120),
          locale: circle.locale,
          ...(plan.indicators.length > 0 ? { indicators: plan.indicators.slice(0, 20) } : {}),
          ...(plan.objectives.length > 0 ? { objectives: plan.objectives.slice(0, 20) } : {}),
          ...(plan.topicRound ? { topicRound: true } : {}),
          // CS-1: each pending item, owned by the seat its owner will take in this room.
          ...(plan.followUp.length > 0
            ? { followUp: carriedActions(circle, plan.followUp, code).slice(0, MAX_CARRIED_ACTIONS) }
            : {}),
        },
        now,
      );
      if (!built.ok) return fail('invalid');
      if (!(await this.deps.rooms.create(built.room))) continue;
      await this.deps.circles.linkRoom(code, circleId);
      this.roomCircle.set(code, circleId);
      const opened = await this.write(circleId, (c) => {
        const again = planSession(c, options);
        if ('error' in again) return { ok: false, code: again.error, message: again.message };
        return openSession(c, again, code, now);
      });
      if (!opened.ok) {
        await this.deps.rooms.purge(code);
        return opened;
      }
      this.log.info({ event: 'circle_session_opened', kind: plan.kind }, 'session opened');
      return { ok: true, value: { number: opened.value.sessions.length, code } };
    }
    throw new Error('no free room code after 8 attempts');
  }

  /**
   * CI-7: the caller's seat in a session's room, without typing a name: the seat's token is derived from
   * the circle's server-side key, the member and the room, so the same member gets the same seat from
   * any device. A first entry takes the seat, brings in the member's logbook (CI-8) and sets the roles
   * the circle planned (codev client, who is coached first, tripartite parties).
   */
  async enter(
    circleId: string,
    secret: string | null,
    number: number,
    name: string | undefined,
  ): Promise<CircleResult<{ code: string; resumeToken: string; participantId: string }>> {
    const found = await this.authorised(circleId, secret);
    if (!found.ok) return found;
    const { circle, caller } = found.value;
    const session = circle.sessions[number - 1];
    if (!session?.roomCode) return fail('wrong_status');
    if (caller.role === 'member' && !memberMaySee(circle, caller.memberId, session.kind))
      return fail('not_invited');
    const code = session.roomCode;
    const seatId = caller.role === 'member' ? caller.memberId : FACILITATOR_SEAT;
    const resumeToken = createHmac('sha256', circle.seatKey).update(`${seatId}|${code}`).digest('base64url');
    const tokenHash = hashSecret(resumeToken);
    const room = await this.deps.rooms.load(code);
    if (!room || room.status === 'ended') return fail('room_not_found');
    const seated = Object.values(room.participants).find((p) => p.tokenHash === tokenHash);
    if (seated) return { ok: true, value: { code, resumeToken, participantId: seated.id } };

    const member = caller.role === 'member' ? memberOf(circle, caller.memberId) : null;
    // The same seat id from any device and any concurrent entry (a second join is a return, RM-2); the
    // room's follow-up items were given to it before anyone entered (CS-1).
    const participantId = seatParticipantId(circle, seatId, code);
    // Not a role's word (RM-9): the badge beside the name says the role.
    const displayName = member?.name ?? name ?? (circle.locale === 'fr' ? 'Animation' : 'Facilitation');
    const joined = await this.step(code, null, {
      type: 'join',
      participantId,
      displayName,
      tokenHash,
      ...(caller.role === 'facilitator' ? { facilitatorKeyHash: circle.facilitatorKeyHash } : {}),
    });
    if (!joined.ok) return fail(joined.code === 'room_not_found' ? 'room_not_found' : 'invalid');
    const updated = await this.write(circleId, (c) =>
      seatTaken(c, number, seatId, participantId, this.now()),
    );
    if (!updated.ok) return updated;
    if (member) {
      for (const entry of member.logbook.slice(-MAX_LOGBOOK_ENTRIES)) {
        // Sealed in the member's page (LG-5): carried as ciphertext, read only where its key is.
        await this.step(code, participantId, { type: 'logbook_add', sealed: entry.sealed });
      }
    }
    await this.alignRoles(updated.value, number);
    return { ok: true, value: { code, resumeToken, participantId } };
  }

  /**
   * The roles the circle planned, set in the room's lobby as people arrive: the codev client the
   * facilitator confirmed, the pair's first coachee, the tripartite parties. Done as the key holder (or,
   * in a pair, as the member concerned, who may assign roles there: PC-1); a refusal changes nothing.
   */
  private async alignRoles(circle: Circle, number: number): Promise<void> {
    const session = circle.sessions[number - 1];
    if (!session) return;
    const room = await this.deps.rooms.load(session.roomCode);
    if (room?.status !== 'lobby') return;
    const wanted = new Map<string, Role>();
    for (const [memberId, participantId] of Object.entries(session.seats)) {
      const member = memberOf(circle, memberId);
      if (!member) continue;
      if (session.kind === 'codev' && memberId === session.clientId) wanted.set(participantId, 'client');
      if (session.kind === 'peer-coaching')
        wanted.set(participantId, memberId === session.firstCoacheeId ? 'coachee' : 'coach');
      if (['framing', 'midpoint', 'closing'].includes(session.kind) && member.role)
        wanted.set(participantId, member.role);
      if (session.kind === 'coaching' && member.role === 'coachee') wanted.set(participantId, 'client');
    }
    const holder = keyHolder(room);
    for (const [participantId, role] of wanted) {
      const current = (await this.deps.rooms.load(session.roomCode))?.participants[participantId];
      if (!current || current.role === role || current.admission !== 'admitted') continue;
      const actor = session.kind === 'peer-coaching' ? participantId : (holder?.id ?? null);
      if (actor === null) continue; // the facilitator is not there yet: done when they enter
      await this.step(session.roomCode, actor, { type: 'assign_role', participantId, role });
    }
  }

  // --- follow-up, export, erase -------------------------------------------------------------------------

  /** CI-6: the owner marks their item done, in progress, dropped or open again, with a note. */
  async followUp(circleId: string, secret: string | null, itemId: string, change: FollowUpRequest) {
    const found = await this.authorised(circleId, secret);
    if (!found.ok) return found;
    const { caller } = found.value;
    if (caller.role !== 'member') return fail('not_yours');
    const result = await this.write(circleId, (c) =>
      updateFollowUp(c, caller.memberId, itemId, change, this.now()),
    );
    if (!result.ok) return result;
    return { ok: true as const, value: null };
  }

  /** CI-10: the whole circle as a file (facilitator only). */
  async export(circleId: string, secret: string | null): Promise<CircleResult<CircleExport>> {
    const found = await this.authorised(circleId, secret, 'facilitator');
    if (!found.ok) return found;
    let circle = found.value.circle;
    const current = circle.sessions.at(-1);
    if (current?.roomCode && !current.record?.ended) {
      const room = await this.deps.rooms.load(current.roomCode);
      if (room) circle = (await this.captureRoom(room.code, room)) ?? circle;
    }
    return { ok: true, value: exportCircle(circle, this.now()) };
  }

  /** CI-10: a new circle from a file: new key, new links for every member (named in the answer). */
  async import(file: CircleExport) {
    const facilitatorKey = newSecret();
    const members = file.members.map(() => ({ id: newMemberId(), secret: newSecret() }));
    const made = importCircle(
      file,
      {
        id: newCircleId(),
        facilitatorKeyHash: hashSecret(facilitatorKey),
        seatKey: randomBytes(32).toString('base64url'),
      },
      members.map((m) => ({ id: m.id, secretHash: hashSecret(m.secret) })),
      this.now(),
    );
    if (!made.ok) return fail(refusalCode(made));
    if (!(await this.deps.circles.create(made.circle))) return fail('invalid');
    this.log.info({ event: 'circle_imported', kind: file.kind }, 'circle imported');
    return {
      ok: true as const,
      value: {
        circleId: made.circle.id,
        facilitatorKey,
        links: file.members.map((m, i) => ({
          name: m.name,
          memberId: members[i]!.id,
          secret: members[i]!.secret,
        })),
      },
    };
  }

  /** CI-12: the facilitator erases the circle: its sessions' rooms, records and logbooks, all at once. */
  async erase(circleId: string, secret: string | null): Promise<CircleResult<null>> {
    const found = await this.authorised(circleId, secret, 'facilitator');
    if (!found.ok) return found;
    for (const session of found.value.circle.sessions) {
      if (!session.roomCode) continue;
      await this.deps.rooms.purge(session.roomCode);
      this.roomCircle.delete(session.roomCode);
    }
    await this.deps.circles.erase(circleId);
    this.log.info({ event: 'circle_erased' }, 'circle erased');
    return { ok: true, value: null };
  }

  // --- plumbing ------------------------------------------------------------------------------------------

  /** Brings a room's state back to its circle's session (record, follow-up items, logbooks). */
  private async captureRoom(code: string, room: Room): Promise<Circle | null> {
    let circleId = this.roomCircle.get(code);
    if (circleId === undefined) {
      circleId = await this.deps.circles.circleOfRoom(code);
      this.roomCircle.set(code, circleId);
      if (this.roomCircle.size > 10_000) this.roomCircle.delete(this.roomCircle.keys().next().value!);
    }
    if (!circleId) return null;
    const result = await this.deps.circles.update(circleId, (c) => {
      const session = c.sessions.find((s) => s.roomCode === code);
      if (!session) return { ok: false, code: 'not_found', message: 'No such session.' };
      return captureSession(c, session.number, room, this.now());
    });
    return result.status === 'updated' ? result.circle : null;
  }

  private async authorised(
    circleId: string,
    secret: string | null,
    needs?: 'facilitator',
  ): Promise<CircleResult<{ circle: Circle; caller: Caller }>> {
    const circle = await this.deps.circles.load(circleId);
    if (!circle) return fail('circle_not_found');
    const caller = this.caller(circle, secret);
    // A wrong secret answers like a wrong circle: nothing tells a guesser the circle exists.
    if (!caller) return fail('circle_not_found');
    if (needs === 'facilitator' && caller.role !== 'facilitator') return fail('not_facilitator');
    return { ok: true, value: { circle, caller } };
  }

  private async write(circleId: string, change: (c: Circle) => CircleOutcome): Promise<CircleResult<Circle>> {
    const result = await this.deps.circles.update(circleId, change);
    if (result.status === 'not_found') return fail('circle_not_found');
    if (result.status === 'refused') return fail(refusalCode(result.refusal));
    return { ok: true, value: result.circle };
  }

  /** One engine command on a session's room, through the store (its write is told to the room). */
  private async step(code: string, actor: string | null, command: EngineCommand) {
    const result = await this.deps.rooms.apply(
      code,
      null,
      (room: Room): Decision => decide(room, command, { actor, now: this.now(), newId }),
    );
    if (result.status === 'applied') return { ok: true as const };
    if (result.status === 'not_found') return { ok: false as const, code: 'room_not_found' };
    if (result.status === 'refused') return { ok: false as const, code: result.code };
    return { ok: true as const };
  }
}
