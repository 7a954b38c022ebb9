import type { ShippedRecipe } from '../protocol/recipe.js';

const min = (n: number): number => n * 60_000;

/**
 * Co-development in 45 minutes: the six phases kept, each shortened, and the consultation written in
 * silence first so that nobody anchors on the first idea (SW-1).
 */
export const flashCodev: ShippedRecipe = {
  id: 'flash-codev',
  name: { fr: 'Codéveloppement éclair (45 min)', en: 'Flash co-development (45 min)' },
  description: {
    fr: 'Les six temps du codéveloppement en trois quarts d’heure ; les suggestions s’écrivent d’abord en silence.',
    en: 'The six steps of co-development in three quarters of an hour; suggestions are written in silence first.',
  },
  recipe: {
    format: 'cercle-recipe/1',
    template: 'codev',
    name: 'Flash codev',
    advanceWhenDone: false,
    phases: [
      { from: 'expose', durationMs: min(6) },
      { from: 'clarification', durationMs: min(8) },
      { from: 'contract', durationMs: min(4) },
      {
        from: 'consultation',
        durationMs: min(14),
        silent: true,
        guide: {
          fr: [
            'Écrivez d’abord seul, sans lire les autres : une idée par carte.',
            'Après le dévoilement, développez à l’oral les cartes qui se répondent.',
          ],
          en: [
            'Write alone first, without reading the others: one idea per card.',
            'Once revealed, talk through the cards that echo each other.',
          ],
        },
      },
      { from: 'synthesis', durationMs: min(8) },
      { from: 'learning', durationMs: min(5) },
    ],
  },
};
