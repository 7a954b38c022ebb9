import { cardsInOrder, MAX_ROOM_TEXT, roomTextLength } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { codevRoom, goToPhase } from './fixtures.js';

describe('[EN-7] a room holds at most MAX_ROOM_TEXT characters of text', () => {
  it('posts are refused with limit_reached once the bound would be passed; nothing changes then', () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    const text = 'x'.repeat(500);
    const consultants = ['a', 'b', 'd'];
    let posted = 0;
    for (;;) {
      const decision = host.try(consultants[posted % 3]!, { type: 'post_card', kind: 'question', text });
      if (!decision.ok) {
        expect(decision.code).toBe('limit_reached');
        break;
      }
      posted++;
    }
    expect(posted).toBe(Math.floor(MAX_ROOM_TEXT / 500));
    expect(roomTextLength(host.room)).toBeLessThanOrEqual(MAX_ROOM_TEXT);
    // A shorter edit still passes (it does not grow the room's text).
    const mine = cardsInOrder(host.room.cards).find((c) => c.authorId === 'a')!;
    host.ok('a', { type: 'edit_card', cardId: mine.id, text: 'shorter' });
    host.ok('b', { type: 'post_card', kind: 'question', text });
    // Growing it back would pass the bound now.
    host.refused('a', { type: 'edit_card', cardId: mine.id, text }, 'limit_reached');
  });
});
