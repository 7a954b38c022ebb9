import {
  allowedCommands,
  applyPatch,
  commandSchema,
  commandTypes,
  diffView,
  MAX_LOGBOOK_ENTRIES,
  MAX_LOGBOOK_SEALED_CHARS,
  privateView,
  publicView,
  SEALED_MAX_CHARS,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { sealedOf } from '../support/sealed.js';
import { codevRoom, goToPhase } from './fixtures.js';

describe('logbook', () => {
  it('[LG-1] an entry is in its owner’s private view only', () => {
    const host = codevRoom();
    const decision = host.ok('a', { type: 'logbook_add', sealed: sealedOf('canary-logbook-a') });
    expect(decision.events).toEqual([]);
    const entries = Object.values(privateView(host.room, 'a').logbook);
    expect(entries).toMatchObject([{ sealed: sealedOf('canary-logbook-a'), phaseId: 'expose' }]);
    expect(JSON.stringify(publicView(host.room))).not.toContain(sealedOf('canary-logbook-a'));
    expect(JSON.stringify(privateView(host.room, 'b'))).not.toContain(sealedOf('canary-logbook-a'));
  });

  it('[LG-2] open in every status and phase, including the client in consultation and the lobby', () => {
    const host = codevRoom(false);
    host.ok('c', { type: 'logbook_add', sealed: sealedOf('avant') });
    expect(Object.values(privateView(host.room, 'c').logbook)[0]?.phaseId).toBeNull();
    host.ok('f', { type: 'start' });
    goToPhase(host, 'consultation');
    host.ok('c', { type: 'logbook_add', sealed: sealedOf('pendant') });
    host.ok('f', { type: 'end', purge: false });
    host.ok('c', { type: 'logbook_add', sealed: sealedOf('après') });
    expect(Object.keys(privateView(host.room, 'c').logbook)).toHaveLength(3);
  });

  it('[LG-3] edit and delete reach only one’s own entries; limits hold', () => {
    const host = codevRoom();
    const added = host.ok('a', { type: 'logbook_add', sealed: sealedOf('premier jet') });
    expect(added.ok).toBe(true);
    const entryId = Object.keys(host.room.logbooks.a ?? {})[0]!;
    host.refused('b', { type: 'logbook_edit', entryId, sealed: sealedOf('piraté') }, 'invalid');
    host.refused('b', { type: 'logbook_delete', entryId }, 'invalid');
    host.advance(1000);
    host.ok('a', { type: 'logbook_edit', entryId, sealed: sealedOf('version propre') });
    expect(host.room.logbooks.a?.[entryId]).toMatchObject({
      sealed: sealedOf('version propre'),
      updatedAt: host.now,
    });
    host.ok('a', { type: 'logbook_delete', entryId });
    expect(host.room.logbooks.a).toEqual({});
    for (let i = 0; i < MAX_LOGBOOK_ENTRIES; i++)
      host.ok('a', { type: 'logbook_add', sealed: sealedOf(`n${i}`) });
    host.refused('a', { type: 'logbook_add', sealed: sealedOf('one more') }, 'limit_reached');
  });

  it('[LG-5] the engine takes sealed entries only: forged, too large or over the logbook total are refused, unchanged', () => {
    const host = codevRoom();
    const before = host.room;
    const forged = [
      'hello in clear',
      'c2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'c1.short',
      `c1.${'A'.repeat(41)}`,
      'c1.!!!!',
    ];
    for (const sealed of forged) host.refused('a', { type: 'logbook_add', sealed }, 'invalid');
    host.refused('a', { type: 'logbook_add', sealed: `c1.${'A'.repeat(SEALED_MAX_CHARS)}` }, 'invalid');
    expect(host.room).toBe(before);
    // The largest well-formed entry passes; entries add up to at most MAX_LOGBOOK_SEALED_CHARS.
    const largest = `c1.${'A'.repeat(SEALED_MAX_CHARS - 3)}`;
    expect(largest.length).toBe(SEALED_MAX_CHARS);
    const fit = Math.floor(MAX_LOGBOOK_SEALED_CHARS / SEALED_MAX_CHARS);
    for (let i = 0; i < fit; i++) host.ok('a', { type: 'logbook_add', sealed: largest });
    host.refused('a', { type: 'logbook_add', sealed: largest }, 'limit_reached');
    // The wire schema: a forged one is malformed (bad_request), an over-long one too big (text_too_long).
    const parsed = commandSchema.safeParse({
      type: 'logbook_add',
      sealed: `c1.${'A'.repeat(SEALED_MAX_CHARS)}`,
    });
    expect(parsed.success ? [] : parsed.error.issues.map((i) => i.code)).toContain('too_big');
    expect(commandSchema.safeParse({ type: 'logbook_add', sealed: 'in clear' }).success).toBe(false);
    expect(commandSchema.safeParse({ type: 'logbook_add', text: 'in clear' }).success).toBe(false);
    expect(commandSchema.safeParse({ type: 'logbook_add', sealed: largest }).success).toBe(true);
  });
});

describe('views', () => {
  it('[VW-1] the public view has no logbooks, token hashes or key hash', () => {
    const host = codevRoom();
    const view = publicView(host.room);
    expect(view).not.toHaveProperty('logbooks');
    expect(view).not.toHaveProperty('facilitatorKeyHash');
    const text = JSON.stringify(view);
    expect(text).not.toContain('token-');
    expect(text).not.toContain(host.key);
  });

  it('[VW-2] the private view holds the viewer’s seat without its token hash', () => {
    const host = codevRoom();
    const mine = privateView(host.room, 'a');
    expect(mine.seat).toMatchObject({ id: 'a', role: 'consultant', anonymousCardIds: [] });
    expect(mine.seat).not.toHaveProperty('tokenHash');
    expect(privateView(host.room, 'ghost')).toEqual({
      participantId: 'ghost',
      seat: null,
      logbook: {},
      hiddenTexts: {},
      stars: [],
      topicVote: null,
    });
  });

  it('[VW-3] an anonymous card has no author key in any view', () => {
    const host = codevRoom(true, { allowAnonymousCards: true });
    goToPhase(host, 'consultation');
    const decision = host.ok('a', {
      type: 'post_card',
      kind: 'suggestion',
      text: 'Anonyme',
      anonymous: true,
    });
    const event = decision.events[0];
    const cardId = event?.type === 'card_posted' ? event.cardId : '';
    expect(publicView(host.room).cards[cardId]).not.toHaveProperty('authorId');
    expect(JSON.stringify(decision.events)).not.toContain('"a"');
  });

  it('[VW-4] events carry ids, not text', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    const decision = host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'canary-text' });
    expect(JSON.stringify(decision.events)).not.toContain('canary-text');
  });

  it('[VW-5] allowedCommands is the gate decide applies first', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    const view = publicView(host.room);
    for (const actor of ['f', 'c', 'a']) {
      const allowed = allowedCommands(view, actor, host.now);
      for (const type of commandTypes) {
        if (allowed.includes(type)) continue;
        // A type the page locks is refused by decide whatever the payload: try a plausible one.
        const decision = host.try(actor, { type } as never);
        expect(decision.ok, `${actor} ${type}`).toBe(false);
      }
    }
    expect(allowedCommands(view, 'f', host.now)).toEqual(
      expect.arrayContaining(['next_phase', 'pause_timer', 'give_floor', 'end']),
    );
    expect(allowedCommands(view, 'ghost', host.now)).toEqual([]);
  });

  it('[VW-6] a patch carries only the changed card, and applies back to the next view', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    for (let i = 0; i < 5; i++) host.ok('a', { type: 'post_card', kind: 'suggestion', text: `idée ${i}` });
    const before = publicView(host.room);
    host.advance(1000);
    host.ok('b', { type: 'post_card', kind: 'suggestion', text: 'nouvelle' });
    const after = publicView(host.room);
    const patch = diffView(before, after);
    const cardKeys = Object.keys(patch.set).filter((key) => key.startsWith('cards.'));
    expect(cardKeys).toHaveLength(1);
    expect(Object.keys(patch.set).sort()).toEqual([...cardKeys, 'lastActivityAt', 'version'].sort());
    expect(applyPatch(before, patch)).toEqual(after);
    expect(after.participants).toBe(before.participants);
  });

  it('[EN-2] unchanged parts of the room are shared by reference', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    const before = host.room;
    host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'x' });
    expect(host.room.participants).toBe(before.participants);
    expect(host.room.phases).toBe(before.phases);
    expect(host.room.logbooks).toBe(before.logbooks);
    expect(host.room.cards).not.toBe(before.cards);
  });
});
