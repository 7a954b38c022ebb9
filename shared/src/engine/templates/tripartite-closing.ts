import { minutes, type Template } from '../template.js';
import { tripartiteSeating } from './tripartite-framing.js';

const all = ['coach', 'coachee', 'sponsor'] as const;

/**
 * The three-way meeting that closes a coaching engagement. The room can be seeded with the framing's
 * indicators, which then cannot be edited or withdrawn (TR-2), only reviewed one by one (TR-3).
 */
export const tripartiteClosingTemplate: Template = {
  id: 'tripartite-closing',
  name: { fr: 'Tripartite de bouclage', en: 'Three-way closing meeting' },
  description: {
    fr: 'Le coaché présente son bilan ; les indicateurs du cadrage sont passés en revue un par un.',
    en: 'The coachee presents a review; the indicators set at framing are examined one by one.',
  },
  ...tripartiteSeating,
  phases: [
    {
      id: 'welcome',
      name: { fr: 'Accueil', en: 'Welcome' },
      purpose: {
        fr: 'Rappeler le chemin parcouru depuis le cadrage.',
        en: 'Recall the way travelled since framing.',
      },
      guide: { fr: ['Où en étions-nous au cadrage ?'], en: ['Where were we at the framing meeting?'] },
      leadRoles: ['coach'],
      durationMs: minutes(5),
      floor: [...all],
      board: [],
      records: [],
      suggestsRound: false,
    },
    {
      id: 'coachee-review',
      name: { fr: 'Bilan du coaché', en: 'The coachee’s review' },
      purpose: {
        fr: 'Le coaché présente ce qu’il a fait et appris.',
        en: 'The coachee presents what they did and learned.',
      },
      guide: {
        fr: ['Qu’avez-vous mis en place ?', 'Qu’est-ce qui a changé pour vous et autour de vous ?'],
        en: ['What have you put in place?', 'What changed for you and around you?'],
      },
      leadRoles: ['coachee'],
      durationMs: minutes(15),
      floor: ['coachee'],
      board: [],
      records: [{ record: 'synthesis', roles: ['coachee'] }],
      suggestsRound: false,
    },
    {
      id: 'indicator-review',
      name: { fr: 'Revue des indicateurs', en: 'Indicator review' },
      purpose: {
        fr: 'Chaque indicateur du cadrage est examiné : atteint, en partie, ou non.',
        en: 'Each indicator from the framing is examined: met, partly, or not.',
      },
      guide: {
        fr: ['Qu’observe-t-on pour cet indicateur ?', 'Chacun voit-il la même chose ?'],
        en: ['What do we observe for this indicator?', 'Does everyone see the same?'],
      },
      leadRoles: ['coach'],
      durationMs: minutes(20),
      floor: [...all],
      board: [],
      records: [{ record: 'indicator_review', roles: [...all] }],
      suggestsRound: false,
    },
    {
      id: 'recommendations',
      name: { fr: 'Recommandations', en: 'Recommendations' },
      purpose: {
        fr: 'Ce qui aidera le changement à durer.',
        en: 'What will help the change last.',
      },
      guide: {
        fr: ['Qu’est-ce qui soutiendra ces progrès ?', 'Qui peut y veiller ?'],
        en: ['What will support this progress?', 'Who can look after it?'],
      },
      leadRoles: ['coach'],
      durationMs: minutes(10),
      floor: [...all],
      board: [{ kind: 'suggestion', roles: [...all] }],
      records: [],
      suggestsRound: false,
    },
    {
      id: 'closing',
      name: { fr: 'Clôture', en: 'Closing' },
      purpose: {
        fr: 'Chacun dit ce qu’il retient de l’accompagnement.',
        en: 'Each says what they take from the engagement.',
      },
      guide: { fr: ['Que retenez-vous ?'], en: ['What do you take away?'] },
      leadRoles: ['coach'],
      durationMs: minutes(5),
      floor: [...all],
      board: [],
      records: [
        { record: 'learnings', roles: [...all] },
        { record: 'evaluation', roles: [...all] },
      ],
      suggestsRound: true,
    },
  ],
};
