import { cardKindSchema, commandRequestSchema, MAX_WIRE_TEXT } from '@cercle/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandRequest, postCardRequest } from '../../server/src/realtime/commandRequest.js';

/**
 * SPEC EN-4: a card post's own check (`postCardRequest`) accepts only what `commandRequestSchema`
 * accepts, with the same data, key order included (SR-1's fingerprint is of its JSON); and
 * `parseCommandRequest` accepts and refuses exactly what the schema does.
 */
const UUID = '6f1c2f1e-3b1a-4c7e-9a55-0d6b7d1e2f3a';

/** Around each rule of the post's shape: what passes it, what falls just outside. */
const anyJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string(), { maxKeys: 2 }),
);
const ids = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.constantFrom(
    UUID,
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '6f1c2f1e-3b1a-0c7e-9a55-0d6b7d1e2f3a', // version 0
    '6f1c2f1e-3b1a-9c7e-9a55-0d6b7d1e2f3a', // version 9
    '6f1c2f1e-3b1a-4c7e-ca55-0d6b7d1e2f3a', // variant c
    ` ${UUID}`,
    `${UUID}\n`,
    UUID.slice(1),
    `${UUID}0`,
    '',
  ),
  fc.string(),
  anyJson,
);
const whitespace = fc.constantFrom(
  '',
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\u200b',
  '\u3000',
  '\u180e',
);
const texts = fc.oneof(
  fc.tuple(whitespace, fc.string({ maxLength: 40 }), whitespace).map(([a, t, b]) => a + t + b),
  fc
    .tuple(whitespace, fc.string({ unit: 'grapheme', maxLength: 20 }), whitespace)
    .map(([a, t, b]) => a + t + b),
  fc
    .tuple(fc.integer({ min: MAX_WIRE_TEXT - 2, max: MAX_WIRE_TEXT + 2 }), whitespace, whitespace)
    .map(([n, a, b]) => a + 'x'.repeat(n) + b),
  fc.integer({ min: MAX_WIRE_TEXT - 2, max: MAX_WIRE_TEXT + 2 }).map((n) => '\u{1F600}'.repeat(n / 2)),
  whitespace,
  anyJson,
);
const kinds = fc.oneof(
  fc.constantFrom(...cardKindSchema.options),
  fc.constantFrom('Question', ' question', 'question ', '', 'toString', '__proto__'),
  anyJson,
);
const maybe = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 7 }, { arbitrary: arb, weight: 1 });
/** Keys left out now and then (the required ones too). */
const sometimesMissing = fc.constantFrom(
  undefined,
  undefined,
  undefined,
  undefined,
  'id',
  'command',
  'type',
  'kind',
  'text',
);
/** Mostly what passes (so that most posts are whole), now and then anything. */
const mostly = <T, U>(good: fc.Arbitrary<T>, any: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: any, weight: 1 });
/** Keys added beside the expected ones, as JSON would carry them (`__proto__` an own key). */
const extraKeys = fc.constantFrom('extra', '__proto__', 'constructor', 'toString', 'Type', 'ids');

const commands = fc.record(
  {
    type: mostly(fc.constant('post_card'), fc.constantFrom('edit_card', 'Post_card', 'post_card ')),
    kind: mostly(fc.constantFrom(...cardKindSchema.options), kinds),
    text: mostly(fc.string({ minLength: 1, maxLength: 60 }), texts),
    anonymous: mostly(fc.boolean(), anyJson),
    extra: maybe(fc.tuple(extraKeys, anyJson)),
  },
  { requiredKeys: ['type', 'kind', 'text'] },
);
const requests = fc.record(
  {
    id: mostly(fc.uuid({ version: [1, 2, 3, 4, 5, 7, 8] }), ids),
    command: mostly(commands, anyJson),
    extra: maybe(fc.tuple(extraKeys, anyJson)),
  },
  { requiredKeys: ['id', 'command'] },
);

/** The payload as it comes off the wire: text parsed by JSON.parse (keys in a shuffled order). */
function wire(shape: Record<string, unknown>, order: number[], missing?: string): unknown {
  const entries = (value: Record<string, unknown>) => {
    const pairs = Object.entries(value).filter(([key]) => key !== 'extra' && key !== missing);
    const extra = value.extra as [string, unknown] | undefined;
    if (extra) pairs.push(extra);
    return pairs
      .map((pair, i) => ({ pair, rank: order[i % order.length] ?? i }))
      .sort((a, b) => a.rank - b.rank);
  };
  const text = (value: unknown): string => {
    if (value === undefined) return 'null';
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return JSON.stringify(value);
    const fields = value as Record<string, unknown>;
    return `{${entries(fields)
      .map(
        ({ pair: [key, item] }) =>
          `${JSON.stringify(key)}:${key === 'command' ? text(item) : JSON.stringify(item ?? null)}`,
      )
      .join(',')}}`;
  };
  return JSON.parse(text(shape));
}

describe('a card post checked without zod [EN-4]', () => {
  it('[EN-4] accepts only what the schema accepts, with the same data and key order; the rest is the schema’s', () => {
    let fast = 0;
    let accepted = 0;
    fc.assert(
      fc.property(
        requests,
        fc.array(fc.nat(10), { minLength: 4, maxLength: 4 }),
        sometimesMissing,
        (shape, order, missing) => {
          const payload = wire(shape, order, missing);
          const zod = commandRequestSchema.safeParse(payload);
          const own = postCardRequest(payload);
          const parsed = parseCommandRequest(payload);
          expect(parsed.success).toBe(zod.success);
          if (zod.success) {
            accepted++;
            expect(JSON.stringify(parsed.data)).toBe(JSON.stringify(zod.data));
            expect(parsed.data).toStrictEqual(zod.data);
          } else expect(parsed).toEqual(zod); // the schema's own refusal, issues and all
          // Every post the schema takes is taken by the own check too (it is not bypassed), but for texts
          // longer than MAX_WIRE_TEXT in UTF-16 units (the schema counts code points): left to the schema.
          const { command } = zod.success ? zod.data : { command: undefined };
          if (command?.type === 'post_card' && command.text.length <= MAX_WIRE_TEXT)
            expect(own).toBeDefined();
          if (own !== undefined) {
            fast++;
            expect(zod.success).toBe(true);
            expect(JSON.stringify(own)).toBe(JSON.stringify(zod.data));
            expect(own).toStrictEqual(zod.data);
          }
        },
      ),
      { numRuns: 20_000 },
    );
    // The generators reach both sides: posts taken by the own check, and payloads left to zod.
    expect(fast).toBeGreaterThan(2_000);
    expect(accepted).toBeGreaterThanOrEqual(fast);
  });

  it('[EN-4] takes the post as the page sends it, and leaves what it is not sure of to the schema', () => {
    const post = { type: 'post_card', kind: 'question', text: '  What did you try?  ' };
    expect(postCardRequest({ id: UUID, command: post })).toStrictEqual({
      id: UUID,
      command: { type: 'post_card', kind: 'question', text: 'What did you try?' },
    });
    expect(postCardRequest({ command: { ...post, anonymous: true }, id: UUID })).toStrictEqual({
      id: UUID,
      command: { type: 'post_card', kind: 'question', text: 'What did you try?', anonymous: true },
    });
    // Not JSON's objects, or shapes the schema refuses: never taken here.
    const bare = Object.assign(Object.create(null) as object, { id: UUID, command: post });
    expect(postCardRequest(bare)).toBeUndefined();
    expect(commandRequestSchema.safeParse(bare).success).toBe(parseCommandRequest(bare).success);
    expect(
      postCardRequest(JSON.parse(`{"id":"${UUID}","command":${JSON.stringify(post)},"__proto__":{}}`)),
    ).toBeUndefined();
    expect(postCardRequest({ id: UUID, command: { ...post, text: ' \u00a0 ' } })).toBeUndefined();
    expect(postCardRequest({ id: UUID, command: { ...post, anonymous: 'yes' } })).toBeUndefined();
    expect(postCardRequest({ id: UUID, command: { ...post, kind: 'Question' } })).toBeUndefined();
    expect(postCardRequest({ id: UUID.toUpperCase(), command: post })).toBeDefined(); // z.uuid() takes either case
    expect(postCardRequest({ id: `${UUID} `, command: post })).toBeUndefined();
  });
});
