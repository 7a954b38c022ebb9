import type { CreateRoomRequest, CreateRoomResponse, ErrorCode, Recipe, RoomFacts } from '@cercle/shared';

export type { RoomFacts };

/**
 * A refused creation: the server's code (a 400 names the engine's refusal and, for a phase list, the
 * phase at fault, 0-based), or null when the server could not be reached or said nothing readable.
 */
export class CreateRoomError extends Error {
  constructor(
    readonly code: ErrorCode | null,
    readonly phase: number | null,
  ) {
    super(`create refused: ${code ?? 'unknown'}`);
  }
}

async function refusalOf(response: Response): Promise<CreateRoomError> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; phase?: unknown } };
    const code = typeof body.error?.code === 'string' ? (body.error.code as ErrorCode) : null;
    const phase = typeof body.error?.phase === 'number' ? body.error.phase : null;
    return new CreateRoomError(code, phase);
  } catch {
    return new CreateRoomError(null, null);
  }
}

export async function createRoomRequest(body: CreateRoomRequest): Promise<CreateRoomResponse> {
  let response: Response;
  try {
    response = await fetch('/api/rooms', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CreateRoomError(null, null);
  }
  if (response.status !== 201 && response.status !== 200) throw await refusalOf(response);
  return (await response.json()) as CreateRoomResponse;
}

/** The public facts of a room, or null for a wrong, ended or unknown code (one answer for all). */
export async function fetchRoomFacts(code: string): Promise<RoomFacts | null> {
  try {
    const response = await fetch(`/api/rooms/${encodeURIComponent(code)}`);
    if (!response.ok) return null;
    return (await response.json()) as RoomFacts;
  } catch {
    return null;
  }
}

/** RC-2: the server reads a recipe as creation reads `phases`: the recipe, or the code and phase at fault. */
export async function checkRecipeRequest(
  recipe: Recipe,
): Promise<{ ok: true; recipe: Recipe } | { ok: false; code: ErrorCode | null; phase: number | null }> {
  try {
    const response = await fetch('/api/recipes/check', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(recipe),
    });
    if (response.ok) return { ok: true, recipe: ((await response.json()) as { recipe: Recipe }).recipe };
    const refusal = await refusalOf(response);
    return { ok: false, code: refusal.code, phase: refusal.phase };
  } catch {
    return { ok: false, code: null, phase: null };
  }
}
