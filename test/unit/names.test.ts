import { isRoleName, nameSkeleton, normaliseName } from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { codevRoom } from './fixtures.js';

describe('[RM-9] names people can trust', () => {
  it('normalises: NFKC, no control or format characters, spaces collapsed', () => {
    expect(normaliseName('  Ｆａｎｎｙ  ')).toBe('Fanny');
    expect(normaliseName('Fa\u200Bnny\u202E')).toBe('Fanny');
    expect(normaliseName('Anne\u00A0  Marie')).toBe('Anne Marie');
    expect(normaliseName('\u200B')).toBe('');
    expect(normaliseName('\u202Eynnaf')).toBe('ynnaf');
  });

  it('look-alikes share a skeleton; different names do not', () => {
    const fanny = nameSkeleton('Fanny');
    for (const lookAlike of ['Fаnny', 'ＦＡＮＮＹ', 'F\u200Banny', 'Fαnny', '𝐅𝐚𝐧𝐧𝐲', 'fanny ', 'Fänny']) {
      expect(nameSkeleton(lookAlike), lookAlike).toBe(fanny);
    }
    expect(nameSkeleton('BiII')).toBe(nameSkeleton('Bill'));
    expect(nameSkeleton('Fanny')).not.toBe(nameSkeleton('Franny'));
    expect(nameSkeleton('Léa')).not.toBe(nameSkeleton('Lou'));
    expect(isRoleName('Facilitator')).toBe(true);
    expect(isRoleName('Ｆacilitatοr')).toBe(true);
    expect(isRoleName('Animatrice')).toBe(true);
    expect(isRoleName('Fanny')).toBe(false);
  });

  it('the engine refuses a look-alike of a name in the room, a role name, and an empty name', () => {
    const host = codevRoom(false); // Fanny is the facilitator
    const tryName = (id: string, displayName: string) =>
      host.refused(
        null,
        { type: 'join', participantId: id, displayName, tokenHash: `t-${id}` },
        'name_taken',
      );
    tryName('x1', 'Fаnny'); // Cyrillic a
    tryName('x2', 'F\u200Banny'); // zero-width space
    tryName('x3', 'Ｆａｎｎｙ'); // fullwidth
    tryName('x4', 'Fanny\u202E'); // right-to-left override
    tryName('x5', 'Facilitator');
    host.refused(
      null,
      { type: 'join', participantId: 'x6', displayName: '\u200B', tokenHash: 't' },
      'invalid',
    );
    // The name kept is the normalised one.
    host.ok(null, { type: 'join', participantId: 'x7', displayName: 'Ｚｏé\u200B', tokenHash: 't7' });
    expect(host.room.participants.x7?.displayName).toBe('Zoé');
  });
});
