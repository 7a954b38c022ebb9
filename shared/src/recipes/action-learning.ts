import type { ShippedRecipe } from '../protocol/recipe.js';

const min = (n: number): number => n * 60_000;

/**
 * An action-learning set on the co-development seats: the presenter (the client seat) brings a problem
 * they own, the set members (the consultants) help only with questions, never with advice, and the
 * presenter leaves with actions to report on at the next meeting. The facilitator keeps the process.
 */
export const actionLearning: ShippedRecipe = {
  id: 'action-learning',
  name: { fr: 'Groupe d’apprentissage par l’action', en: 'Action-learning set' },
  description: {
    fr: 'Un présentateur, des membres qui ne posent que des questions, des actions à rapporter la fois suivante.',
    en: 'One presenter, members who only ask questions, actions to report on next time.',
  },
  recipe: {
    format: 'cercle-recipe/1',
    template: 'codev',
    name: 'Action-learning set',
    phases: [
      {
        from: 'expose',
        name: { fr: 'Le problème', en: 'The problem' },
        purpose: {
          fr: 'Le présentateur décrit un problème réel qu’il porte et sur lequel il peut agir.',
          en: 'The presenter describes a real problem they own and can act on.',
        },
        durationMs: min(10),
      },
      {
        from: 'clarification',
        name: { fr: 'Questions ouvertes', en: 'Open questions' },
        purpose: {
          fr: 'Les membres ne posent que des questions, sans conseil déguisé ; le présentateur répond ou garde la question.',
          en: 'Members ask questions only, no advice in disguise; the presenter answers or keeps the question.',
        },
        guide: {
          fr: [
            'Qu’est-ce qui rend ce problème important pour vous maintenant ?',
            'Qu’avez-vous déjà tenté, et qu’en avez-vous appris ?',
            'Qui d’autre a une part de ce problème ?',
          ],
          en: [
            'What makes this problem matter to you now?',
            'What have you tried, and what did you learn from it?',
            'Who else owns part of this problem?',
          ],
        },
        durationMs: min(30),
        board: [
          { kind: 'question', roles: ['consultant'] },
          { kind: 'answer', roles: ['client'] },
        ],
      },
      {
        from: 'contract',
        name: { fr: 'Ce qui a bougé', en: 'What has shifted' },
        purpose: {
          fr: 'Le présentateur dit ce qu’il voit autrement et nomme la question qui compte le plus.',
          en: 'The presenter says what they now see differently and names the question that matters most.',
        },
        durationMs: min(10),
      },
      {
        from: 'synthesis',
        name: { fr: 'Actions', en: 'Actions' },
        purpose: {
          fr: 'Le présentateur choisit ses actions d’ici la prochaine rencontre et dit sa confiance.',
          en: 'The presenter picks their actions before the next meeting and rates their confidence.',
        },
        durationMs: min(10),
      },
      {
        from: 'learning',
        name: { fr: 'Retour sur le processus', en: 'Process review' },
        purpose: {
          fr: 'Chacun dit ce qu’il a appris sur sa manière de questionner et d’écouter.',
          en: 'Each says what they learned about how they question and listen.',
        },
        durationMs: min(10),
      },
    ],
  },
};
