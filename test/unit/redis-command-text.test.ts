import fc from 'fast-check';
import { Command, type Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisCalls } from '../../server/src/store/redisCalls.js';

/** The command a compare-and-set sends (`evalScriptThen`), caught by a client that only records it. */
function sentCommand(body: string[]): Command {
  let sent: Command | undefined;
  const client = {
    status: 'ready',
    sendCommand(command: Command) {
      sent = command;
      return new Promise(() => {});
    },
  } as unknown as Redis;
  const calls = new RedisCalls(client, { callTimeoutMs: 60_000, maxWaitMs: 60_000 });
  calls.evalScriptThen({ name: 'probe', source: 'return 1', sha: 'f'.repeat(40) }, body, () => {});
  calls.close();
  if (!sent) throw new Error('nothing sent');
  return sent;
}

/** The bytes a command puts on the wire, whatever its text's type. */
function wireBytes(command: Command): Buffer {
  const text = command.toWritable(undefined as never) as string | Buffer;
  return Buffer.isBuffer(text) ? Buffer.from(text) : Buffer.from(text, 'utf8');
}

/**
 * SR-6, SR-9: the compare-and-set's text is written by the store itself (redisCalls.ts), not by ioredis:
 * Redis must receive exactly the bytes ioredis would have sent for the same arguments, so the fields it
 * stores are the ones the node meant, whatever their characters and lengths.
 */
describe('[SR-6][SR-9] the compare-and-set text', () => {
  it('[SR-6][SR-9] is, byte for byte, the RESP text ioredis writes for the same arguments (seeded)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ minLength: 60, maxLength: 70 }),
      fc.constantFrom('', '0', 'é', '\u{1F600}', '\uD800', 'x'.repeat(1023), 'x'.repeat(1024)),
    );
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 40 }), (args) => {
        const body = ['', String(args.length), ...args];
        const ours = wireBytes(sentCommand([...body]));
        const theirs = wireBytes(new Command('evalsha', ['f'.repeat(40), ...body.slice(1)]));
        expect(ours.equals(theirs)).toBe(true);
      }),
      { numRuns: 500, seed: 18 },
    );
  });

  it('[SR-6][SR-9] keeps each text intact while later ones are written, a big one and many small ones', () => {
    // The texts share a slab outside the heap, cut in order: none may be written over by a later one.
    const big = ['', '1', 'k', 'v'.repeat(40_000), 'é'.repeat(10_000)];
    const sent: [Buffer, Buffer][] = [];
    for (let i = 0; i < 300; i++) {
      const body = i % 50 === 7 ? [...big] : ['', '1', `key:${i}`, `value ${i} ${'é'.repeat(i % 13)}`];
      const text = sentCommand([...body]).toWritable(undefined as never) as Buffer;
      sent.push([text, wireBytes(new Command('evalsha', ['f'.repeat(40), ...body.slice(1)]))]);
    }
    for (const [text, expected] of sent) expect(Buffer.from(text).equals(expected)).toBe(true);
  });
});
