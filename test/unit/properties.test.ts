import {
  allowedCommands,
  applyPatch,
  type Command,
  type CommandType,
  cardsInOrder,
  deepEqual,
  diffView,
  type EngineCommand,
  keysOf,
  permissionCodes,
  permits,
  postableKinds,
  privateView,
  privateViewChanged,
  publicPatch,
  publicView,
  type Room,
  recordOf,
  roleCount,
  roomSchema,
  roomTextLength,
} from '@cercle/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hiddenCards } from '../../shared/src/engine/roomText.js';
import { sealedOf } from '../support/sealed.js';
import { cloneRoom, codevRoom, type Host, pairRoom } from './fixtures.js';

const sealedSecrets = new Map<string, string>();
/** A canary naming its owner, in the sealed shape the engine takes (made once per owner). */
const secret = (actor: string) => {
  let sealed = sealedSecrets.get(actor);
  if (!sealed) {
    sealed = sealedOf(`LOGBOOK-CANARY-${actor}`);
    sealedSecrets.set(actor, sealed);
  }
  return sealed;
};
/** The sealed form's first 15 bytes spell `LOGBOOK-CANARY-`: found in any view that shows a canary entry. */
const CANARY_SEALED = sealedOf('LOGBOOK-CANARY-').slice(0, 3 + 20);
/** Every card posted in the sequences says a unique word, so a hidden one is found wherever it leaks. */
let cardCounter = 0;
const cardWord = () => `CARD-CANARY-${++cardCounter}`;
const cardIds = [...Array.from({ length: 40 }, (_, i) => `id${i + 1}`), 'seed-1', 'nope'];

/** Commands with payloads drawn from small domains, so that many of them hit real cards and rules. */
function commandArb(people: string[]): fc.Arbitrary<(actor: string | null, host: Host) => EngineCommand> {
  const person = fc.constantFrom(...people, 'ghost');
  const cardId = fc.constantFrom(...cardIds);
  const text = fc.constantFrom('idée', 'une question ?', '  espacée  ', '', 'x'.repeat(600));
  const role = fc.constantFrom('facilitator', 'client', 'consultant', 'coach', 'coachee', 'sponsor' as const);
  const kind = fc.constantFrom('question', 'answer', 'suggestion', 'objective' as const);
  const fixed = (command: EngineCommand) => fc.constant(() => command);
  type Build = (actor: string | null, host: Host) => EngineCommand;
  const choices: fc.Arbitrary<Build>[] = [
    fc
      .constantFrom<CommandType>(
        'lock_room',
        'unlock_room',
        'start',
        'pause_timer',
        'resume_timer',
        'raise_hand',
        'release_floor',
        'next_speaker',
        'stop_round',
      )
      .map((type) => () => ({ type }) as EngineCommand),
    person.map((participantId) => () => ({ type: 'admit', participantId }) as EngineCommand),
    person.map((participantId) => () => ({ type: 'remove_participant', participantId }) as EngineCommand),
    fc.tuple(person, role).map(
      ([participantId, r]) =>
        () =>
          ({ type: 'assign_role', participantId, role: r }) as EngineCommand,
    ),
    // Moves start, most of the time, from where the room is; else from a phase it has left (PH-4).
    fc.tuple(fc.constantFrom('next_phase', 'previous_phase' as const), fc.boolean(), fc.nat(6)).map(
      ([type, current, other]) =>
        (_actor: string | null, host: Host) =>
          ({ type, from: current ? host.room.phaseIndex : other }) as EngineCommand,
    ),
    fc.tuple(fc.boolean(), fc.nat(2)).map(
      ([current, other]) =>
        (_actor: string | null, host: Host) =>
          ({ type: 'swap_roles', round: current ? host.room.coachingRound : other + 1 }) as EngineCommand,
    ),
    fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()).map(
      ([index, current]) =>
        (_actor: string | null, host: Host) =>
          ({ type: 'jump_phase', from: current ? host.room.phaseIndex : 0, index }) as EngineCommand,
    ),
    fc.constant(
      (_actor: string | null, host: Host) =>
        ({ type: 'jump_phase', from: host.room.phaseIndex, index: 3 }) as EngineCommand,
    ),
    cardId.map((id) => () => ({ type: 'reopen_card', cardId: id }) as EngineCommand),
    // The actor's own last card, as their page's edit and withdraw buttons would name it.
    fc
      .constantFrom('edit_card', 'withdraw_card' as const)
      .map((type) => (actor: string | null, host: Host) => {
        const seat = actor ? host.room.participants[actor] : undefined;
        const own = cardsInOrder(host.room.cards).filter(
          (card) => card.authorId === actor || (seat?.anonymousCardIds.includes(card.id) ?? false),
        );
        const cardId = own.at(-1)?.id ?? 'nope';
        return (type === 'edit_card' ? { type, cardId, text: 'revue' } : { type, cardId }) as EngineCommand;
      }),
    fc.tuple(person, cardId).map(
      ([p, id]) =>
        () =>
          ({ type: 'edit_action', itemId: id, what: p, byWhen: '', withWhom: '' }) as EngineCommand,
    ),
    fc
      .integer({ min: 0, max: 4 })
      .map((m) => () => ({ type: 'set_warning', ms: m * 60_000 }) as EngineCommand),
    fc
      .integer({ min: -20, max: 20 })
      .filter((m) => m !== 0)
      .map((m) => () => ({ type: 'add_time', ms: m * 60_000 }) as EngineCommand),
    fc.boolean().map((enabled) => () => ({ type: 'set_auto_advance', enabled }) as EngineCommand),
    fc
      .option(person, { nil: undefined })
      .map(
        (participantId) => () =>
          ({ type: 'lower_hand', ...(participantId ? { participantId } : {}) }) as EngineCommand,
      ),
    fc
      .option(person, { nil: undefined })
      .map(
        (participantId) => () =>
          ({ type: 'give_floor', ...(participantId ? { participantId } : {}) }) as EngineCommand,
      ),
    fc.constant(() => ({ type: 'start_round', perSpeakerMs: 60_000 }) as EngineCommand),
    fc
      .tuple(kind, text, fc.boolean(), fc.boolean())
      .map(([k, t, anonymous, fitting]) => (actor: string | null, host: Host) => {
        // Half the time a kind the phase opens to the actor's role, so cards do get posted.
        const seat = actor ? host.room.participants[actor] : undefined;
        const open = seat ? postableKinds(host.room, seat.role)[0] : undefined;
        const words = t === 'idée' ? cardWord() : t;
        return {
          type: 'post_card',
          kind: fitting ? (open ?? k) : k,
          text: words,
          anonymous,
        } as EngineCommand;
      }),
    fc.tuple(cardId, text).map(
      ([id, t]) =>
        () =>
          ({ type: 'edit_card', cardId: id, text: t }) as EngineCommand,
    ),
    cardId.map((id) => () => ({ type: 'withdraw_card', cardId: id }) as EngineCommand),
    cardId.map((id) => () => ({ type: 'keep_card', cardId: id }) as EngineCommand),
    cardId.map((id) => () => ({ type: 'set_aside_card', cardId: id }) as EngineCommand),
    text.map((t) => () => ({ type: 'set_statement', kind: 'client_request', text: t }) as EngineCommand),
    text.map((t) => () => ({ type: 'add_action', what: t, byWhen: 'lundi', withWhom: '' }) as EngineCommand),
    cardId.map((id) => () => ({ type: 'remove_action', itemId: id }) as EngineCommand),
    fc
      .integer({ min: 0, max: 11 })
      .map((value) => () => ({ type: 'set_confidence', value }) as EngineCommand),
    text.map((t) => () => ({ type: 'add_learning', text: t }) as EngineCommand),
    fc
      .integer({ min: 1, max: 5 })
      .map((rating) => () => ({ type: 'submit_evaluation', rating, comment: '' }) as EngineCommand),
    // Logbook entries carry a canary naming their owner: no view may show it to anyone else.
    fc.constant(
      (actor: string | null) => ({ type: 'logbook_add', sealed: secret(actor ?? 'system') }) as EngineCommand,
    ),
    cardId.map(
      (id) => (actor: string | null) =>
        ({ type: 'logbook_edit', entryId: id, sealed: secret(actor ?? 'system') }) as EngineCommand,
    ),
    cardId.map((id) => () => ({ type: 'logbook_delete', entryId: id }) as EngineCommand),
    fc.boolean().map((purge) => () => ({ type: 'end', purge }) as EngineCommand),
    fc.nat(30).map(
      (n) => () =>
        ({
          type: 'join',
          participantId: `n${n}`,
          displayName: `New ${n}`,
          tokenHash: `t${n}`,
        }) as EngineCommand,
    ),
    fc.tuple(person, fc.constantFrom('connected', 'away' as const)).map(
      ([participantId, presence]) =>
        () =>
          ({ type: 'presence', participantId, presence }) as EngineCommand,
    ),
    fc.constant(
      (_actor: string | null, host: Host) =>
        ({ type: 'time_up', timerId: host.room.timer?.timerId ?? 'none' }) as EngineCommand,
    ),
    fc.constant(
      (_actor: string | null, host: Host) =>
        ({ type: 'time_up', timerId: host.room.floor.round?.timer.timerId ?? 'none' }) as EngineCommand,
    ),
    fixed({ type: 'time_up', timerId: 'id1' }),
    // RM-7, RM-8: the grace timer of someone away, or someone back with their token, so seats get
    // released and come back in the sequences.
    fc.tuple(fc.boolean(), person).map(
      ([fire, participantId]) =>
        (_actor: string | null, host: Host) =>
          (fire
            ? {
                type: 'time_up',
                timerId: Object.values(host.room.participants).find((p) => p.grace)?.grace?.timerId ?? 'none',
              }
            : {
                type: 'join',
                participantId,
                displayName: participantId,
                tokenHash: `token-${participantId}`,
              }) as EngineCommand,
    ),
  ];
  // Pick uniformly among the command shapes (oneof favours its first options on small sizes).
  return fc
    .tuple(fc.nat({ max: choices.length - 1 }), fc.tuple(...choices))
    .map(([index, built]) => built[index]!);
}

/**
 * The commands of silent writing, "done" and stars (SW, DN, PM), naming cards that exist, so that random
 * sequences often hide, edit, reveal, star and move on.
 */
function inPhaseArb(): fc.Arbitrary<(actor: string | null, host: Host) => EngineCommand> {
  type Build = (actor: string | null, host: Host) => EngineCommand;
  const someCard = (host: Host, pick: number): string => {
    const ids = keysOf(host.room.cards);
    return ids.length === 0 ? 'nope' : ids[pick % ids.length]!;
  };
  const ownLast = (actor: string | null, host: Host): string => {
    const seat = actor ? host.room.participants[actor] : undefined;
    const own = cardsInOrder(host.room.cards).filter(
      (card) => card.authorId === actor || (seat?.anonymousCardIds.includes(card.id) ?? false),
    );
    return own.at(-1)?.id ?? 'nope';
  };
  const choices: fc.Arbitrary<Build>[] = [
    fc.boolean().map((anonymous) => (actor: string | null, host: Host) => {
      const seat = actor ? host.room.participants[actor] : undefined;
      const kind = (seat && postableKinds(host.room, seat.role)[0]) ?? 'suggestion';
      return { type: 'post_card', kind, text: cardWord(), anonymous } as EngineCommand;
    }),
    fc.constant(
      (actor: string | null, host: Host) =>
        ({ type: 'edit_card', cardId: ownLast(actor, host), text: cardWord() }) as EngineCommand,
    ),
    fc.constant(
      (actor: string | null, host: Host) =>
        ({ type: 'withdraw_card', cardId: ownLast(actor, host) }) as EngineCommand,
    ),
    fc.constant(() => ({ type: 'reveal_cards' }) as EngineCommand),
    fc.boolean().map((done) => () => ({ type: 'set_done', done }) as EngineCommand),
    fc.boolean().map((enabled) => () => ({ type: 'set_advance_when_done', enabled }) as EngineCommand),
    fc.tuple(fc.constantFrom('star_card', 'keep_card' as const), fc.nat()).map(
      ([type, pick]) =>
        (_actor: string | null, host: Host) =>
          ({ type, cardId: someCard(host, pick) }) as EngineCommand,
    ),
    ...[1, 2, 3].map(() =>
      fc.tuple(fc.boolean(), fc.nat()).map(([star, pick]) => (actor: string | null, host: Host) => {
        // Mostly a card the page shows: a shown one to star, one the actor starred to unstar.
        const shown = cardsInOrder(host.room.cards).filter((card) => !card.hidden);
        const stars = (actor && host.room.participants[actor]?.stars) || [];
        const pool = star ? shown.map((card) => card.id) : stars;
        const cardId = pool.length > 0 ? pool[pick % pool.length]! : someCard(host, pick);
        return { type: star ? 'star_card' : 'unstar_card', cardId } as EngineCommand;
      }),
    ),
    fc.tuple(fc.constantFrom('next_phase', 'previous_phase' as const), fc.boolean()).map(
      ([type, current]) =>
        (_actor: string | null, host: Host) =>
          ({ type, from: current ? host.room.phaseIndex : 0 }) as EngineCommand,
    ),
    fc
      .nat(5)
      .map(
        (index) => (_actor: string | null, host: Host) =>
          ({ type: 'jump_phase', from: host.room.phaseIndex, index }) as EngineCommand,
      ),
  ];
  return fc
    .tuple(fc.nat({ max: choices.length - 1 }), fc.tuple(...choices))
    .map(([index, built]) => built[index]!);
}

const systemTypes = new Set(['join', 'presence', 'time_up']);
/** Accepted command types seen, to make sure the sequences do more than collect refusals. */
const acceptedTypes = new Set<string>();
/** Command types the policy permitted at least once (the VW-5 property is not vacuous). */
const permittedSeen = new Set<string>();
/** A seat was released by its grace timer at least once (RM-7). */
let releasedSeen = false;
/** A card was posted hidden, then revealed, at least once (SW-1, SW-2). */
let hiddenSeen = false;
let revealSeen = false;

/** SW-1: the text of every hidden card, with its author. */
function hiddenTexts(room: Room): Array<{ owner: string; text: string }> {
  return Object.values(room.participants).flatMap((seat) =>
    Object.values(seat.hiddenTexts).map((text) => ({ owner: seat.id, text })),
  );
}

function checkViews(room: Room, before?: Room): void {
  const ids = Object.keys(room.participants);
  const shared = JSON.stringify(publicView(room));
  // SW-1: a hidden card's text is in no public view, no patch, nor anyone's private view but its author's.
  const hidden = hiddenTexts(room);
  if (hidden.length > 0) hiddenSeen = true;
  const patch =
    before && hidden.length > 0 ? JSON.stringify(diffView(publicView(before), publicView(room))) : '';
  for (const { owner, text } of hidden) {
    expect(shared).not.toContain(text);
    expect(patch).not.toContain(text);
    for (const viewer of ids) {
      if (viewer !== owner) expect(JSON.stringify(privateView(room, viewer))).not.toContain(text);
    }
  }
  for (const card of cardsInOrder(room.cards)) if (card.hidden) expect(card.text).toBe('');
  // PM-1: stars are in their owner's private view only.
  expect(shared).not.toContain('"stars"');
  expect(shared).not.toContain(CANARY_SEALED);
  expect(shared).not.toContain('"tokenHash"');
  for (const card of Object.values(publicView(room).cards)) {
    if (card.anonymous) expect(card).not.toHaveProperty('authorId');
  }
  if (before) {
    // VW-6: a page holding the JSON of the view before, given the JSON of the patch, holds the view after;
    // the phase history is never sent whole again once it holds a closed run (runs are only closed,
    // the last one, and added).
    const patch = diffView(publicView(before), publicView(room));
    // VW-9: the broadcaster's patch, made from the rooms, is that very patch.
    const fromRooms = publicPatch(before, room);
    expect({ ...fromRooms, del: [...fromRooms.del].sort() }).toEqual({
      ...patch,
      del: [...patch.del].sort(),
    });
    const page = JSON.parse(JSON.stringify(publicView(before)));
    expect(applyPatch(page, JSON.parse(JSON.stringify(patch)))).toEqual(JSON.parse(shared));
    if (before.phaseHistory.length > 1) expect(patch.set).not.toHaveProperty('phaseHistory');
    // VW-2: who is told a private view is decided without building one; it agrees with the comparison.
    for (const viewer of new Set([...ids, ...Object.keys(before.participants)])) {
      const changed = !deepEqual(privateView(before, viewer), privateView(room, viewer));
      expect(privateViewChanged(before, room, viewer)).toBe(changed);
    }
  }
  for (const viewer of ids) {
    const mine = JSON.stringify(privateView(room, viewer));
    for (const other of ids) if (other !== viewer) expect(mine).not.toContain(secret(other));
    expect(mine).not.toContain('"tokenHash"');
  }
}

/** EN-7 counted from scratch, every text of the room, independently of the engine's running totals. */
function recountText(room: Room): number {
  const lengths = [
    ...cardsInOrder(room.cards).map((card) => card.text.length),
    ...Object.values(room.participants).flatMap((seat) =>
      Object.values(seat.hiddenTexts).map((t) => t.length),
    ),
    ...Object.values(room.statements).map((statement) => statement?.text.length ?? 0),
    ...Object.values(room.actionPlan).map(
      (item) => item.what.length + item.byWhen.length + item.withWhom.length,
    ),
    ...Object.values(room.learnings).map((learning) => learning.text.length),
    ...Object.values(room.evaluations).map((evaluation) => evaluation.comment.length),
    ...Object.values(room.indicatorReviews).flatMap((reviews) =>
      Object.values(reviews).map((r) => r.note.length),
    ),
  ];
  return lengths.reduce((a, b) => a + b, 0);
}

function runSequence(
  host: Host,
  people: string[],
  steps: Array<[number, number, (a: string | null, h: Host) => EngineCommand]>,
) {
  const actors = [...people, 'ghost', null];
  for (const [actorIndex, advanceMs, build] of steps) {
    host.advance(advanceMs);
    const actor = actors[actorIndex % actors.length] ?? null;
    const command = build(actor, host);
    const before = host.room;
    const snapshot = cloneRoom(before);
    const system = systemTypes.has(command.type);
    const shown = publicView(before);
    const seat = actor ? before.participants[actor] : undefined;
    // What the page of this person holds: the public view and their own anonymous cards (VW-2).
    const viewer = { id: actor ?? '', anonymousCardIds: seat?.anonymousCardIds };
    const allowed = actor ? allowedCommands(shown, viewer, host.now) : [];
    const permit = actor && !system ? permits(shown, viewer, command as Command) : null;
    const decision = host.try(system ? null : actor, command);
    if (actor && !system) {
      // VW-5: one policy. Every permission refusal is the policy's own answer on the page's view; a type
      // the page withholds is refused; a command the page permits is never refused for permission.
      if (!decision.ok && permissionCodes.includes(decision.code)) expect(permit?.code).toBe(decision.code);
      if (!allowed.includes(command.type as CommandType)) expect(decision.ok).toBe(false);
      if (permit) expect(decision.ok ? 'accepted' : decision.code).toBe(permit.code);
      if (allowed.includes(command.type as CommandType) && permit === null && !decision.ok) {
        expect(permissionCodes).not.toContain(decision.code);
      }
      if (permit === null) permittedSeen.add(command.type);
    }
    // EN-2: the room passed in is never mutated, accepted or refused.
    expect(before).toEqual(snapshot);
    if (decision.ok) {
      // EN-1: exactly one version per accepted command.
      expect(decision.room.version).toBe(before.version + 1);
      acceptedTypes.add(command.type);
      if (decision.events.some((e) => e.type === 'seat_released')) releasedSeen = true;
      if (decision.events.some((e) => e.type === 'cards_revealed' && e.cardIds.length > 0)) revealSeen = true;
      // VW-5: whatever decide accepts from a client, the page had drawn as allowed.
      if (!systemTypes.has(command.type)) expect(allowed).toContain(command.type);
      // The schema describes the room as stored and read back: its cards as the plain record they stand for.
      expect(() =>
        roomSchema.parse({ ...decision.room, cards: recordOf(decision.room.cards) }),
      ).not.toThrow();
    } else {
      expect(host.room).toBe(before);
    }
    // EN-7: the running text total the steps carry is the full recount, and so is a room read back.
    expect(roomTextLength(host.room)).toBe(recountText(host.room));
    expect(roomTextLength(JSON.parse(JSON.stringify(host.room)))).toBe(recountText(host.room));
    // SW-2: the count of hidden cards the card edits carry (a phase change with none skips the reveal's
    // look at each card) is the full recount.
    expect(hiddenCards.of(host.room.cards)).toBe(
      cardsInOrder(host.room.cards).filter((c) => c.hidden).length,
    );
    checkViews(host.room, before);
  }
}

/**
 * A fixed seed keeps CI deterministic (the coverage check below counts on what the runs reach);
 * `FC_SEED=<n> npx vitest run test/unit/properties.test.ts` explores other sequences, and a seed that
 * fails is kept here as a named regression.
 */
const seed = Number(process.env.FC_SEED ?? 20_261_122);

const stepArb = (people: string[]) =>
  fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 1000, 60_000, 16 * 60_000), commandArb(people)), {
    minLength: 10,
    maxLength: 60,
    size: 'max',
  });

const codevPeople = ['f', 'c', 'a', 'b', 'd'];

describe('properties over random command sequences', () => {
  // Long on two shared cores under the whole suite: a generous bound, not a speed claim.
  it('[EN-1][EN-2][EN-7][VW-1][VW-3][VW-5][VW-6][VW-8][VW-9][LG-1] codev: version, refusal, views and logbooks hold; [CD-6] one client, one facilitator', {
    timeout: 120_000,
  }, () => {
    fc.assert(
      fc.property(fc.boolean(), fc.nat(5), stepArb(codevPeople), (started, firstPhase, steps) => {
        const host = codevRoom(started, { allowAnonymousCards: true });
        // Start anywhere in the session, so the board and floor rules of every phase get exercised.
        if (started && firstPhase > 0)
          host.ok('f', { type: 'jump_phase', from: host.room.phaseIndex, index: firstPhase });
        const checkSeats = () => {
          if (host.room.status === 'running') {
            expect(roleCount(host.room, 'client')).toBe(1);
            expect(roleCount(host.room, 'facilitator')).toBe(1);
          }
        };
        checkSeats();
        for (const step of steps) {
          runSequence(host, codevPeople, [step]);
          checkSeats();
        }
      }),
      { numRuns: 100, seed },
    );
    // The random sequences reach deep into sessions, not just the lobby.
    for (const type of ['post_card', 'logbook_add', 'time_up', 'jump_phase', 'assign_role']) {
      expect(acceptedTypes).toContain(type);
    }
    expect(releasedSeen).toBe(true);
    for (const type of [
      'jump_phase',
      'post_card',
      'withdraw_card',
      'give_floor',
      'raise_hand',
      'set_statement',
    ]) {
      expect(permittedSeen).toContain(type);
    }
  });

  it('[EN-7][SW-1][SW-2][PM-1][DN-1][DN-2][DN-3][VW-5] silent writing: a hidden card is in no one else’s view, patch or snapshot until the reveal; stars stay private; nothing offered is refused', {
    timeout: 120_000,
  }, () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom(1, 3, 3),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 1000), inPhaseArb()), {
          minLength: 10,
          maxLength: 80,
        }),
        (firstPhase, anonymous, silentConsultation, steps) => {
          const phases = ['expose', 'clarification', 'contract', 'consultation', 'synthesis', 'learning'].map(
            (from) => ({
              from,
              ...(from === 'clarification' || (from === 'consultation' && silentConsultation)
                ? { silent: true }
                : {}),
            }),
          );
          const host = codevRoom(true, { allowAnonymousCards: anonymous, phases });
          host.ok('f', { type: 'jump_phase', from: host.room.phaseIndex, index: firstPhase });
          if (firstPhase === 3) {
            // A suggestion already on the board, shown half the time, so the client has one to star.
            host.ok('a', { type: 'post_card', kind: 'suggestion', text: cardWord() });
            if (silentConsultation && anonymous) host.ok('f', { type: 'reveal_cards' });
          }
          for (const step of steps) {
            const before = permittedSeen.size;
            runSequence(host, codevPeople, [step]);
            if (permittedSeen.size !== before) for (const type of permittedSeen) seen.add(type);
          }
        },
      ),
      { numRuns: 150, seed },
    );
    expect(hiddenSeen).toBe(true);
    expect(revealSeen).toBe(true);
    for (const type of [
      'post_card',
      'edit_card',
      'reveal_cards',
      'set_done',
      'set_advance_when_done',
      'star_card',
      'unstar_card',
    ]) {
      expect(acceptedTypes).toContain(type);
      expect(permittedSeen).toContain(type);
    }
  });

  it('[CS-2][CS-3][CS-4][VW-5][CD-6] circle steps: only owners mark items, one client, votes only as counts', {
    timeout: 120_000,
  }, () => {
    const carried = (id: string, ownerId: string) => ({
      id,
      ownerId,
      ownerName: ownerId,
      what: `Action ${id}`,
      byWhen: '',
      withWhom: '',
      fromSession: 1,
      status: 'open' as const,
      note: '',
      confidenceThen: 5,
      confidenceNow: null,
      updatedAt: null,
    });
    const person = fc.constantFrom(...codevPeople, 'ghost');
    type Build = (actor: string | null, host: Host) => EngineCommand;
    const choices: fc.Arbitrary<Build>[] = [
      fc
        .tuple(
          fc.constantFrom('i-c', 'i-a', 'i-b', 'nope'),
          fc.constantFrom('done', 'in_progress', 'dropped'),
        )
        .map(
          ([itemId, status]) =>
            () =>
              ({ type: 'mark_follow_up', itemId, status, note: 'ok', confidenceNow: 7 }) as EngineCommand,
        ),
      fc
        .constantFrom('Cas', '', 'x'.repeat(200))
        .map((text) => () => ({ type: 'post_topic', text }) as EngineCommand),
      // Mostly a posted case, as the page's buttons name them; sometimes anyone.
      ...(['vote_topic', 'vote_topic', 'confirm_topic', 'confirm_topic'] as const).map((type) =>
        fc
          .tuple(fc.nat(), person, fc.boolean())
          .map(([pick, anyone, posted]) => (_actor: string | null, host: Host) => {
            const authors = Object.keys(host.room.topicRound?.cases ?? {});
            const participantId = posted && authors.length > 0 ? authors[pick % authors.length]! : anyone;
            return { type, participantId } as EngineCommand;
          }),
      ),
      fc.tuple(person, fc.constantFrom('client', 'consultant' as const)).map(
        ([participantId, role]) =>
          () =>
            ({ type: 'assign_role', participantId, role }) as EngineCommand,
      ),
      fc.tuple(fc.constantFrom('next_phase', 'previous_phase' as const), fc.boolean()).map(
        ([type, current]) =>
          (_actor: string | null, host: Host) =>
            ({ type, from: current ? host.room.phaseIndex : 0 }) as EngineCommand,
      ),
      fc.tuple(person, fc.constantFrom('connected', 'away' as const)).map(
        ([participantId, presence]) =>
          () =>
            ({ type: 'presence', participantId, presence }) as EngineCommand,
      ),
    ];
    const stepArb = fc
      .tuple(fc.nat({ max: choices.length - 1 }), fc.tuple(...choices))
      .map(([index, built]) => built[index]!);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 1000), stepArb), { minLength: 10, maxLength: 60 }),
        (inTopicRound, steps) => {
          const host = codevRoom(true, {
            topicRound: true,
            followUp: [carried('i-c', 'c'), carried('i-a', 'a'), carried('i-b', 'b')],
          });
          if (inTopicRound) host.ok('f', { type: 'next_phase', from: 0 });
          for (const step of steps) {
            const before = host.room.followUp;
            runSequence(host, codevPeople, [step]);
            const room = host.room;
            // CS-2: an item changes only by its owner's hand.
            for (const [id, item] of Object.entries(room.followUp)) {
              if (item !== before[id]) expect(item.ownerId).toBe(codevPeople[step[0] % 7]);
            }
            if (room.status === 'running') expect(roleCount(room, 'client')).toBe(1);
            // CS-4: the votes are counts in the shared view; each voter's own vote is theirs alone.
            const shared = publicView(room);
            expect(JSON.stringify(shared)).not.toContain('"topicVote"');
            const votes = Object.values(room.participants).filter((p) => p.topicVote);
            const counted = Object.values(shared.topicRound!.tally).reduce((a, b) => a + b, 0);
            expect(counted).toBe(votes.length);
            for (const [id, seat] of Object.entries(room.participants)) {
              expect(privateView(room, id).topicVote).toBe(seat.topicVote ?? null);
              for (const other of Object.keys(room.participants))
                if (other !== id) expect(privateView(room, other).seat).not.toHaveProperty('topicVote');
            }
          }
        },
      ),
      { numRuns: 150, seed },
    );
    for (const type of ['mark_follow_up', 'post_topic', 'vote_topic', 'confirm_topic']) {
      expect(acceptedTypes).toContain(type);
      expect(permittedSeen).toContain(type);
    }
  });

  it('[PC-1][PC-3][EN-2] peer coaching: a running pair keeps exactly one coach and one coachee', () => {
    const pair = ['e', 'o'];
    fc.assert(
      fc.property(stepArb(pair), (steps) => {
        const host = pairRoom();
        for (const step of steps) {
          runSequence(host, pair, [step]);
          if (host.room.status === 'running') {
            expect(roleCount(host.room, 'coach')).toBe(1);
            expect(roleCount(host.room, 'coachee')).toBe(1);
          }
        }
      }),
      { numRuns: 80, seed },
    );
  });
});
