import { z } from 'zod';
import { MAX_PHASES, MAX_WARNING_MS } from '../engine/limits.js';
import { type PhaseListRefusal, phasesFromSpecs } from '../engine/phase-list.js';
import type { Phase, TemplateId } from '../engine/template.js';
import { type localizedTextSchema, templateIdSchema } from '../engine/template.js';
import { getTemplate } from '../engine/templates/index.js';
import { type PhaseSpecRequest, phaseSpecSchema } from './http.js';

/**
 * A recipe: a room's method saved to share (RC-2): the method, its phases with their timeboxes, locks,
 * guide questions and silent writing, and the room's settings. It is exactly what `POST /api/rooms`
 * takes, so opening one creates the same method; `POST /api/recipes/check` and creation apply the same
 * phase-list rules (CU-2) and name the phase at fault.
 */
export const RECIPE_FORMAT = 'cercle-recipe/1';

export const recipeSchema = z.strictObject({
  format: z.literal(RECIPE_FORMAT),
  template: templateIdSchema,
  /** What the recipe is called, in the words of whoever saved it (optional). */
  name: z.string().trim().min(1).max(80).optional(),
  allowAnonymousCards: z.boolean().optional(),
  autoAdvance: z.boolean().optional(),
  advanceWhenDone: z.boolean().optional(),
  warnBeforeMs: z.number().int().min(0).max(MAX_WARNING_MS).optional(),
  phases: z.array(phaseSpecSchema).min(1).max(MAX_PHASES),
});
export type Recipe = z.infer<typeof recipeSchema>;

/** `POST /api/recipes/check` answers 200 with the recipe as the server reads it, or 400 (RC-2). */
export const recipeCheckResponseSchema = z.object({ recipe: recipeSchema });

const nonBlank = (t: { fr: string; en: string }) => t.fr.trim() !== '' && t.en.trim() !== '';

/** One phase as a recipe entry: every field spelled out, so the recipe says the whole method. */
export function phaseSpecOf(templateId: TemplateId, phase: Phase): PhaseSpecRequest {
  const fromTemplate = getTemplate(templateId).phases.some((p) => p.id === phase.id);
  const guide = { fr: phase.guide.fr.filter((q) => q.trim()), en: phase.guide.en.filter((q) => q.trim()) };
  return {
    ...(fromTemplate ? { from: phase.id } : {}),
    name: phase.name,
    ...(nonBlank(phase.purpose) ? { purpose: phase.purpose } : {}),
    guide,
    durationMs: phase.durationMs,
    floor: phase.floor,
    board: phase.board,
    records: phase.records,
    suggestsRound: phase.suggestsRound,
    ...(phase.silent ? { silent: true } : {}),
  };
}

/** The recipe of a room as it stands (its public view holds all of it). */
export function recipeOf(room: {
  template: { id: TemplateId };
  phases: readonly Phase[];
  allowAnonymousCards: boolean;
  autoAdvance: boolean;
  advanceWhenDone: boolean;
  warnBeforeMs: number;
  title?: string | null;
}): Recipe {
  return {
    format: RECIPE_FORMAT,
    template: room.template.id,
    ...(room.title ? { name: room.title.slice(0, 80) } : {}),
    allowAnonymousCards: room.allowAnonymousCards,
    autoAdvance: room.autoAdvance,
    advanceWhenDone: room.advanceWhenDone,
    warnBeforeMs: room.warnBeforeMs,
    phases: room.phases.map((phase) => phaseSpecOf(room.template.id, phase)),
  };
}

/** RC-2: the phases a recipe gives, checked by the creation rules, or the refusal naming the phase. */
export function checkRecipe(recipe: Recipe): { ok: true; phases: Phase[] } | PhaseListRefusal {
  return phasesFromSpecs(getTemplate(recipe.template), recipe.phases);
}

// Both the page and Node 20+ have these as globals; shared/ compiles with neither DOM nor Node types.
declare const btoa: (data: string) => string;
declare const atob: (data: string) => string;
declare const TextEncoder: new () => { encode(input: string): Uint8Array };
declare const TextDecoder: new () => { decode(input: Uint8Array): string };

/** base64url of UTF-8, the same in the page and in Node (both have btoa/atob). */
function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c: string) => c.charCodeAt(0)));
}

/**
 * The link that opens the home page with a recipe chosen: `/#recipe=<base64url of its JSON>`. In the
 * fragment, so it reaches no server log and no Referer.
 */
export const recipeLink = (origin: string, recipe: Recipe): string =>
  `${origin}/#recipe=${toBase64Url(JSON.stringify(recipe))}`;

/** The recipe in a link's fragment, or null when there is none or it does not read as a recipe. */
export function recipeFromFragment(hash: string): Recipe | null {
  const match = /^#recipe=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!match?.[1]) return null;
  try {
    const parsed = recipeSchema.safeParse(JSON.parse(fromBase64Url(match[1])));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A recipe shipped with the product, shown on the home page beside the methods. */
export type ShippedRecipe = {
  id: string;
  name: z.infer<typeof localizedTextSchema>;
  description: z.infer<typeof localizedTextSchema>;
  recipe: Recipe;
};
