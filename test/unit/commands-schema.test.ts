import {
  commandSchema,
  commandTypes,
  MAX_WIRE_TEXT,
  refusalCodes,
  systemCommandSchema,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';

describe('wire commands', () => {
  it('[EN-4] a command object is strict: unknown keys are refused', () => {
    expect(commandSchema.safeParse({ type: 'start' }).success).toBe(true);
    expect(commandSchema.safeParse({ type: 'start', actor: 'f' }).success).toBe(false);
    expect(
      commandSchema.safeParse({ type: 'post_card', kind: 'suggestion', text: 'x', authorId: 'a' }).success,
    ).toBe(false);
  });

  it('[EN-4] strings are trimmed and bounded; blank text fails', () => {
    const parsed = commandSchema.parse({ type: 'post_card', kind: 'suggestion', text: '  idée  ' });
    expect(parsed).toEqual({ type: 'post_card', kind: 'suggestion', text: 'idée' });
    expect(commandSchema.safeParse({ type: 'post_card', kind: 'suggestion', text: '   ' }).success).toBe(
      false,
    );
    const huge = 'x'.repeat(MAX_WIRE_TEXT + 1);
    expect(commandSchema.safeParse({ type: 'add_learning', text: huge }).success).toBe(false);
  });

  it('[EN-4] system commands are not client commands', () => {
    for (const type of ['join', 'presence', 'time_up']) {
      expect(commandTypes).not.toContain(type);
    }
    expect(commandSchema.safeParse({ type: 'time_up', timerId: 't' }).success).toBe(false);
    expect(systemCommandSchema.safeParse({ type: 'time_up', timerId: 't' }).success).toBe(true);
  });

  it('[EN-4] add_time takes a non-zero amount within an hour', () => {
    expect(commandSchema.safeParse({ type: 'add_time', ms: 0 }).success).toBe(false);
    expect(commandSchema.safeParse({ type: 'add_time', ms: -60_000 }).success).toBe(true);
    expect(commandSchema.safeParse({ type: 'add_time', ms: 2 * 3_600_000 }).success).toBe(false);
  });

  it('[EN-3] the refusal codes the engine adds are in the error registry', () => {
    expect(refusalCodes).toEqual(
      expect.arrayContaining(['not_admitted', 'roles_incomplete', 'limit_reached']),
    );
  });
});
