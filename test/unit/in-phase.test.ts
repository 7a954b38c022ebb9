import {
  cardOf,
  cardsInOrder,
  checkRecipe,
  diffView,
  keysOf,
  phasesFromSpecs,
  privateView,
  publicView,
  recipeFromFragment,
  recipeLink,
  recipeOf,
  recipeSchema,
  shippedRecipes,
  templates,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { codevRoom, goToPhase, Host, pairRoom } from './fixtures.js';

const silentConsultation = [
  'expose',
  'clarification',
  'contract',
  'consultation',
  'synthesis',
  'learning',
].map((from) => ({ from, ...(from === 'consultation' ? { silent: true } : {}) }));

function silentRoom(anonymous = false): Host {
  const host = codevRoom(true, { phases: silentConsultation, allowAnonymousCards: anonymous });
  goToPhase(host, 'consultation');
  return host;
}

describe('silent writing', () => {
  it('[SW-1] a card posted in a silent phase is hidden from all but its author, in views and patches', () => {
    const host = silentRoom();
    const before = publicView(host.room);
    const posted = host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'Try a pilot first' });
    const cardId = (posted.events[0] as { cardId: string }).cardId;
    const view = publicView(host.room);
    expect(view.cards[cardId]).toMatchObject({ hidden: true, text: '', authorId: 'a' });
    expect(JSON.stringify(view)).not.toContain('pilot');
    expect(JSON.stringify(diffView(before, view))).not.toContain('pilot');
    expect(JSON.stringify(posted.events)).not.toContain('pilot');
    expect(privateView(host.room, 'a').hiddenTexts).toEqual({ [cardId]: 'Try a pilot first' });
    for (const other of ['f', 'c', 'b', 'd']) {
      expect(JSON.stringify(privateView(host.room, other))).not.toContain('pilot');
    }
  });

  it('[SW-1] the author edits and withdraws a hidden card; its text stays private', () => {
    const host = silentRoom(true);
    const posted = host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'first', anonymous: true });
    const cardId = (posted.events[0] as { cardId: string }).cardId;
    host.ok('a', { type: 'edit_card', cardId, text: 'second thought' });
    expect(JSON.stringify(publicView(host.room))).not.toContain('second thought');
    expect(privateView(host.room, 'a').hiddenTexts[cardId]).toBe('second thought');
    host.refused('b', { type: 'edit_card', cardId, text: 'mine now' }, 'not_your_card');
    host.ok('a', { type: 'withdraw_card', cardId });
    expect(cardOf(host.room.cards, cardId)).toBeUndefined();
    expect(privateView(host.room, 'a').hiddenTexts).toEqual({});
  });

  it('[SW-2] the driver reveals every hidden card at once; later cards of the phase are visible', () => {
    const host = silentRoom();
    host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'idea A' });
    host.ok('b', { type: 'post_card', kind: 'suggestion', text: 'idea B' });
    host.refused('a', { type: 'reveal_cards' }, 'not_facilitator');
    const revealed = host.ok('f', { type: 'reveal_cards' });
    expect(revealed.events[0]).toMatchObject({ type: 'cards_revealed' });
    const texts = Object.values(publicView(host.room).cards).map((card) => card.text);
    expect(texts.sort()).toEqual(['idea A', 'idea B']);
    expect(cardsInOrder(host.room.cards).every((card) => !card.hidden)).toBe(true);
    host.refused('f', { type: 'reveal_cards' }, 'invalid');
    host.ok('d', { type: 'post_card', kind: 'suggestion', text: 'late idea' });
    expect(JSON.stringify(publicView(host.room))).toContain('late idea');
  });

  it('[SW-2] leaving the silent phase or ending reveals what was written; a non-silent phase has no reveal', () => {
    const host = silentRoom();
    host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'before moving on' });
    const moved = host.ok('f', { type: 'next_phase', from: host.room.phaseIndex });
    expect(moved.events.map((e) => e.type)).toEqual(['cards_revealed', 'phase_changed']);
    expect(JSON.stringify(publicView(host.room))).toContain('before moving on');
    host.refused('f', { type: 'reveal_cards' }, 'invalid');
    goToPhase(host, 'consultation');
    host.ok('b', { type: 'post_card', kind: 'suggestion', text: 'hidden again' });
    expect(host.room.revealed).toBe(false);
    host.ok('f', { type: 'end', purge: false });
    expect(JSON.stringify(publicView(host.room))).toContain('hidden again');
  });

  it('[SW-2] a hidden card whose author was removed is dropped at the reveal, never shown blank', () => {
    const host = silentRoom();
    host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'gone with me' });
    host.ok('f', { type: 'remove_participant', participantId: 'a' });
    host.ok('f', { type: 'reveal_cards' });
    expect(keysOf(host.room.cards)).toEqual([]);
  });

  it('[SW-1] silent is a phase field: set at creation (CU-2) and in a custom lobby (CU-1)', () => {
    const built = phasesFromSpecs(templates.codev, silentConsultation);
    expect(built.ok && built.phases.find((p) => p.id === 'consultation')?.silent).toBe(true);
    const host = new Host('custom');
    host.join('f', 'Fanny', true);
    const phaseId = host.room.phases[1]!.id;
    host.ok('f', { type: 'edit_phase', phaseId, silent: true });
    expect(host.room.phases[1]!.silent).toBe(true);
  });
});

describe('"I\'m done"', () => {
  it('[DN-1][DN-2] each expected participant says it; everyone sees the count, the facilitator the names', () => {
    const host = silentRoom();
    host.ok('a', { type: 'set_done', done: true });
    host.refused('a', { type: 'set_done', done: true }, 'invalid');
    host.ok('b', { type: 'set_done', done: true });
    expect(publicView(host.room).done).toEqual(['a', 'b']);
    // The facilitator keeps the process; the client listens in the consultation (stars are no task).
    host.refused('f', { type: 'set_done', done: true }, 'wrong_role');
    host.refused('c', { type: 'set_done', done: true }, 'wrong_role');
    host.ok('b', { type: 'set_done', done: false });
    expect(host.room.done).toEqual(['a']);
  });

  it('[DN-1] signals reset at each phase', () => {
    const host = silentRoom();
    host.ok('a', { type: 'set_done', done: true });
    host.ok('f', { type: 'next_phase', from: host.room.phaseIndex });
    expect(host.room.done).toEqual([]);
    host.ok('c', { type: 'set_done', done: true });
    host.ok('f', { type: 'previous_phase', from: host.room.phaseIndex });
    expect(host.room.done).toEqual([]);
  });

  it('[DN-3] with the room setting on, the last one expected to finish moves the room on', () => {
    const host = silentRoom();
    host.ok('f', { type: 'set_advance_when_done', enabled: true });
    host.refused('f', { type: 'set_advance_when_done', enabled: true }, 'invalid');
    const index = host.room.phaseIndex;
    host.ok('a', { type: 'set_done', done: true });
    host.ok('b', { type: 'set_done', done: true });
    expect(host.room.phaseIndex).toBe(index);
    const last = host.ok('d', { type: 'set_done', done: true });
    expect(last.events.map((e) => e.type)).toContain('phase_changed');
    expect(host.room.phaseIndex).toBe(index + 1);
    expect(host.room.done).toEqual([]);
  });

  it('[DN-3] without the setting, or at the last step of a pair’s round, nobody is moved', () => {
    const host = silentRoom();
    for (const id of ['a', 'b', 'd']) host.ok(id, { type: 'set_done', done: true });
    expect(host.room.phases[host.room.phaseIndex]!.id).toBe('consultation');
    const pair = pairRoom();
    pair.ok('e', { type: 'set_advance_when_done', enabled: true });
    pair.ok('e', { type: 'jump_phase', from: 0, index: pair.room.phases.length - 1 });
    pair.ok('e', { type: 'set_done', done: true });
    pair.ok('o', { type: 'set_done', done: true });
    expect(pair.room.phaseIndex).toBe(pair.room.phases.length - 1);
    expect(pair.room.coachingRound).toBe(1);
  });
});

describe('private stars', () => {
  it('[PM-1] the client stars suggestions in the consultation; only the client sees them', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    const posted = host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'Ask your manager' });
    const cardId = (posted.events[0] as { cardId: string }).cardId;
    const before = publicView(host.room);
    const starred = host.ok('c', { type: 'star_card', cardId });
    expect(starred.events).toEqual([]);
    expect(privateView(host.room, 'c').stars).toEqual([cardId]);
    expect(JSON.stringify(diffView(before, publicView(host.room)))).not.toContain(cardId);
    for (const other of ['f', 'a', 'b', 'd']) expect(privateView(host.room, other).stars).toEqual([]);
    host.refused('c', { type: 'star_card', cardId }, 'invalid');
    host.refused('a', { type: 'star_card', cardId }, 'board_locked_in_phase');
    host.ok('c', { type: 'unstar_card', cardId });
    host.refused('c', { type: 'unstar_card', cardId }, 'invalid');
    goToPhase(host, 'synthesis');
    host.refused('c', { type: 'star_card', cardId }, 'board_locked_in_phase');
  });

  it('[PM-1][SW-1] a hidden card cannot be starred or sorted before the reveal', () => {
    const host = silentRoom();
    const posted = host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'quiet' });
    const cardId = (posted.events[0] as { cardId: string }).cardId;
    host.refused('c', { type: 'star_card', cardId }, 'invalid');
    host.ok('f', { type: 'reveal_cards' });
    host.ok('c', { type: 'star_card', cardId });
  });
});

describe('recipes', () => {
  it('[RC-2] a room’s recipe creates the same phases again, and travels in a link', () => {
    const host = codevRoom(false, { phases: silentConsultation, autoAdvance: true });
    const recipe = recipeOf(publicView(host.room));
    expect(recipeSchema.parse(recipe)).toEqual(recipe);
    const checked = checkRecipe(recipe);
    expect(checked.ok && checked.phases).toEqual(host.room.phases);
    const link = recipeLink('https://cercle.example', recipe);
    expect(recipeFromFragment(new URL(link).hash)).toEqual(recipe);
    expect(recipeFromFragment('#recipe=not-json')).toBeNull();
  });

  it('[RC-2] a recipe is checked like phases at creation: the phase at fault', () => {
    const recipe = recipeOf(publicView(codevRoom(false).room));
    const bad = {
      ...recipe,
      phases: recipe.phases.map((p, i) => (i === 2 ? { ...p, floor: ['observer' as const] } : p)),
    };
    expect(checkRecipe(bad)).toMatchObject({ ok: false, code: 'wrong_role', phase: 2 });
  });

  it('[RC-3] the shipped recipes run: flash codev in 45 minutes, action learning, the coaching triad', () => {
    for (const shipped of shippedRecipes) {
      expect(recipeSchema.parse(shipped.recipe)).toEqual(shipped.recipe);
      const checked = checkRecipe(shipped.recipe);
      expect(checked.ok, shipped.id).toBe(true);
    }
    const flash = shippedRecipes.find((r) => r.id === 'flash-codev')!.recipe;
    const minutes = flash.phases.reduce((sum, p) => sum + (p.durationMs ?? 0), 0) / 60_000;
    expect(minutes).toBe(45);
  });

  it('[RC-3] coaching triad: the observer listens in every step and speaks in the debrief', () => {
    const host = new Host('coaching-triad', { facilitatorKeyHash: null });
    host.join('e', 'Eve');
    host.join('o', 'Olga');
    host.join('w', 'Wes');
    expect(host.room.participants.w!.role).toBe('observer');
    host.ok('w', { type: 'start' });
    const last = host.room.phases.length - 1;
    for (let i = 0; i < last; i++) {
      host.refused('w', { type: 'raise_hand' }, 'floor_locked');
      host.refused('w', { type: 'set_done', done: true }, 'wrong_role');
      host.ok('e', { type: 'next_phase', from: i });
    }
    expect(host.room.phases[last]!.id).toBe('debrief');
    host.ok('w', { type: 'raise_hand' });
    host.ok('w', { type: 'add_learning', text: 'The silence after the third question did the work.' });
    host.ok('w', { type: 'set_done', done: true });
  });
});
