import { type CommandRequest, cardKindSchema, commandRequestSchema, MAX_WIRE_TEXT } from '@cercle/shared';

/**
 * A command request as `commandRequestSchema` parses it (EN-4). The board's card posts, most of a busy
 * room's commands, are recognised by a check written for that one shape; anything else, and anything
 * that check is not sure of, is zod's to accept or refuse. The check accepts only what the schema
 * accepts, with the same data (key order included: the SR-1 fingerprint is of its JSON), and refuses
 * nothing itself: property-tested against the schema (command-request.test.ts). Why: in a busy node,
 * zod's parse of a post costs many times its cost alone in a loop (its generic checks are shared by
 * every schema of the process): 8.2 against 2.4 us at the median in the board's server.
 */
export function parseCommandRequest(
  payload: unknown,
): { success: true; data: CommandRequest } | ReturnType<typeof commandRequestSchema.safeParse> {
  const data = postCardRequest(payload);
  return data ? { success: true, data } : commandRequestSchema.safeParse(payload);
}

/** The schema's own pattern for the id (`z.uuid()`), so that both checks read the same rule. */
const uuidPattern: RegExp = (() => {
  const pattern = (commandRequestSchema.shape.id.def as { pattern?: unknown }).pattern;
  if (!(pattern instanceof RegExp)) throw new Error('commandRequestSchema: the id has no pattern');
  return pattern;
})();
const REQUEST_KEYS = ['id', 'command'];
const POST_KEYS = ['type', 'kind', 'text'];
type PostCard = Extract<CommandRequest['command'], { type: 'post_card' }>;
const cardKinds: ReadonlySet<string> = new Set(cardKindSchema.options);

/**
 * An object of JSON's kind (its prototype Object's) whose enumerable keys, own or inherited (what
 * zod's strict objects look at: `for...in`), are `required` and, if given, `optional`: the count of
 * keys seen, or -1 when another key is there.
 */
function keysOf(value: object, required: readonly string[], optional?: string): number {
  if (Object.getPrototypeOf(value) !== Object.prototype) return -1;
  let seen = 0;
  for (const key in value) {
    if (key !== optional && !required.includes(key)) return -1;
    seen++;
  }
  return seen;
}

/** A `post_card` request the schema surely accepts, as it would parse it; undefined when not sure. */
export function postCardRequest(payload: unknown): CommandRequest | undefined {
  if (typeof payload !== 'object' || payload === null || keysOf(payload, REQUEST_KEYS) !== 2)
    return undefined;
  const { id, command } = payload as { id: unknown; command: unknown };
  if (typeof command !== 'object' || command === null) return undefined;
  const fields = command as Record<string, unknown>;
  if (fields.type !== 'post_card') return undefined;
  const keys = keysOf(command, POST_KEYS, 'anonymous');
  if (keys !== 3 && keys !== 4) return undefined;
  const { kind, text, anonymous } = fields;
  if (typeof kind !== 'string' || !cardKinds.has(kind) || typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  // The schema counts code points: a text within the bound in UTF-16 units is surely within it; a
  // longer one is the schema's to count.
  if (trimmed.length === 0 || trimmed.length > MAX_WIRE_TEXT) return undefined;
  if (typeof id !== 'string' || !uuidPattern.test(id)) return undefined;
  if (keys === 3)
    return { id, command: { type: 'post_card', kind: kind as PostCard['kind'], text: trimmed } };
  if (typeof anonymous !== 'boolean') return undefined;
  return { id, command: { type: 'post_card', kind: kind as PostCard['kind'], text: trimmed, anonymous } };
}
