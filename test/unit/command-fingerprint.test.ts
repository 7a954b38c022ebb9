import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandFingerprint } from '../../server/src/rooms/roomService.js';

/**
 * SR-1: a command id is stored with its command's fingerprint, and a retry is told apart from a reuse
 * by it, whichever node wrote the id: the fingerprint must stay the same text however it is built (the
 * first 22 characters of the SHA-256 of the actor and the command, base64url).
 */
describe('[SR-1] the command fingerprint', () => {
  it('[SR-1] is the first 22 base64url characters of the SHA-256 of the actor and the command', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: null }), fc.string(), (actor, text) => {
        const command = { type: 'post_card', kind: 'question', text } as const;
        const expected = createHash('sha256')
          .update(`${actor ?? ''}\n${JSON.stringify(command)}`)
          .digest('base64url')
          .slice(0, 22);
        expect(commandFingerprint(actor, command)).toBe(expected);
      }),
      { numRuns: 300, seed: 18 },
    );
  });
});
