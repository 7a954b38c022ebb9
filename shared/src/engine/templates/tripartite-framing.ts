import { minutes, type Template } from '../template.js';

const all = ['coach', 'coachee', 'sponsor'] as const;

export const tripartiteRules = {
  fr: [
    'Le contenu des séances de coaching reste confidentiel.',
    'Le commanditaire et le coaché s’expriment chacun en leur nom.',
  ],
  en: [
    'What is said in the coaching sessions stays confidential.',
    'The sponsor and the coachee each speak for themselves.',
  ],
};

/** Both three-way meetings seat the same people: the coach holds the key and drives (TR-1). */
export const tripartiteSeating = {
  rules: tripartiteRules,
  roles: [
    { role: 'coach', min: 1, max: 1 },
    { role: 'coachee', min: 1, max: 1 },
    { role: 'sponsor', min: 1, max: 2 },
  ],
  keyRole: 'coach',
  driver: 'key_role',
  joinRoles: ['coachee', 'sponsor'],
  defaultRole: 'sponsor',
  minPeople: 3,
  maxPeople: 4,
  swap: null,
  editable: false,
} satisfies Partial<Template>;

/** The three-way meeting that opens a coaching engagement (TR-1). */
export const tripartiteFramingTemplate: Template = {
  id: 'tripartite-framing',
  name: { fr: 'Tripartite de cadrage', en: 'Three-way framing meeting' },
  description: {
    fr: 'Coach, coaché et commanditaire alignent les demandes, les objectifs et les indicateurs de progrès.',
    en: 'Coach, coachee and sponsor align the requests, the objectives and the progress indicators.',
  },
  ...tripartiteSeating,
  phases: [
    {
      id: 'welcome',
      name: { fr: 'Accueil et cadre', en: 'Welcome and frame' },
      purpose: {
        fr: 'Rappeler le rôle de chacun et la confidentialité.',
        en: 'Recall everyone’s part and the confidentiality.',
      },
      guide: {
        fr: ['Qui fait quoi dans cet accompagnement ?', 'Qu’est-ce qui sera partagé, et avec qui ?'],
        en: ['Who does what in this engagement?', 'What will be shared, and with whom?'],
      },
      leadRoles: ['coach'],
      durationMs: minutes(5),
      floor: [...all],
      board: [],
      records: [],
      suggestsRound: false,
    },
    {
      id: 'organisation-request',
      name: { fr: 'La demande de l’organisation', en: 'The organisation’s request' },
      purpose: {
        fr: 'Le commanditaire dit ce que l’organisation attend.',
        en: 'The sponsor states what the organisation expects.',
      },
      guide: {
        fr: [
          'Qu’est-ce qui motive cet accompagnement ?',
          'Qu’attendez-vous de différent dans quelques mois ?',
        ],
        en: ['What prompts this engagement?', 'What do you expect to be different in a few months?'],
      },
      leadRoles: ['sponsor'],
      durationMs: minutes(10),
      floor: [...all],
      board: [],
      records: [{ record: 'organisation_request', roles: ['sponsor', 'coach'] }],
      suggestsRound: false,
    },
    {
      id: 'coachee-request',
      name: { fr: 'La demande du coaché', en: 'The coachee’s request' },
      purpose: {
        fr: 'Le coaché dit ce qu’il souhaite travailler ; le coach vérifie la cohérence des deux demandes.',
        en: 'The coachee says what they want to work on; the coach checks both requests fit together.',
      },
      guide: {
        fr: [
          'Que voulez-vous faire évoluer ?',
          'Où les deux demandes se rejoignent-elles, où divergent-elles ?',
        ],
        en: ['What do you want to change?', 'Where do the two requests meet, where do they differ?'],
      },
      leadRoles: ['coachee'],
      durationMs: minutes(10),
      floor: [...all],
      board: [],
      records: [{ record: 'coachee_request', roles: ['coachee', 'coach'] }],
      suggestsRound: false,
    },
    {
      id: 'objectives',
      name: { fr: 'Objectifs', en: 'Objectives' },
      purpose: {
        fr: 'Convenir ensemble des objectifs du coaching.',
        en: 'Agree together on the coaching objectives.',
      },
      guide: {
        fr: ['Quels objectifs retenons-nous ?', 'Sont-ils atteignables dans la durée prévue ?'],
        en: ['Which objectives do we keep?', 'Can they be reached in the time planned?'],
      },
      leadRoles: ['coach'],
      durationMs: minutes(10),
      floor: [...all],
      board: [{ kind: 'objective', roles: [...all] }],
      records: [],
      suggestsRound: false,
    },
    {
      id: 'indicators',
      name: { fr: 'Indicateurs de progrès', en: 'Progress indicators' },
      purpose: {
        fr: 'Définir les résultats observables sur lesquels portera le bilan final.',
        en: 'Define the observable results the final review will look at.',
      },
      guide: {
        fr: ['À quoi verra-t-on que l’objectif est atteint ?', 'Qui pourra l’observer, et quand ?'],
        en: ['How will we see that the objective is met?', 'Who will be able to observe it, and when?'],
      },
      leadRoles: ['coach'],
      durationMs: minutes(10),
      floor: [...all],
      board: [{ kind: 'indicator', roles: [...all] }],
      records: [],
      suggestsRound: false,
    },
    {
      id: 'framing-synthesis',
      name: { fr: 'Synthèse', en: 'Synthesis' },
      purpose: {
        fr: 'Le coach rédige la synthèse qui servira de base à l’accompagnement.',
        en: 'The coach writes the synthesis the engagement will build on.',
      },
      guide: {
        fr: ['La synthèse reflète-t-elle ce que chacun a dit ?'],
        en: ['Does the synthesis reflect what each person said?'],
      },
      leadRoles: ['coach'],
      durationMs: minutes(5),
      floor: [...all],
      board: [],
      records: [{ record: 'synthesis', roles: ['coach'] }],
      suggestsRound: false,
    },
  ],
};
