import { minutes, type Phase, type Template } from '../template.js';

/** The six phases of co-development, shared with the custom template as its starting point. */
export const codevPhases: Phase[] = [
  {
    id: 'expose',
    name: { fr: 'Exposé', en: 'Presentation' },
    purpose: {
      fr: 'Le client décrit sa situation ; le groupe écoute sans interrompre.',
      en: 'The client describes the situation; the group listens without interrupting.',
    },
    guide: {
      fr: [
        'Quelle est la situation, en quelques faits ?',
        'Qui est concerné, et quel est votre rôle ?',
        'Pourquoi maintenant ? Qu’attendez-vous du groupe ?',
      ],
      en: [
        'What is the situation, in a few facts?',
        'Who is involved, and what is your part in it?',
        'Why now? What do you hope to get from the group?',
      ],
    },
    leadRoles: ['client'],
    durationMs: minutes(15),
    floor: ['client'], // CD-1: the client alone speaks
    board: [], // CD-1: nobody posts during the presentation
    records: [],
    suggestsRound: false,
  },
  {
    id: 'clarification',
    name: { fr: 'Clarification', en: 'Clarifying questions' },
    purpose: {
      fr: 'Les consultants posent des questions pour comprendre, le client y répond.',
      en: 'Consultants ask questions to understand; the client answers them.',
    },
    guide: {
      fr: [
        'Que vous manque-t-il pour bien comprendre la situation ?',
        'Une question à la fois, sans conseil caché dedans.',
      ],
      en: [
        'What do you still need to understand the situation?',
        'One question at a time, with no advice hidden in it.',
      ],
    },
    leadRoles: ['consultant'],
    durationMs: minutes(15),
    floor: ['consultant', 'client'],
    board: [
      { kind: 'question', roles: ['consultant'] },
      { kind: 'answer', roles: ['client'] },
    ],
    records: [],
    suggestsRound: false,
  },
  {
    id: 'contract',
    name: { fr: 'Contrat', en: 'Contract' },
    purpose: {
      fr: 'Chacun dit ce qu’il a compris ; le client formule sa demande en une phrase.',
      en: 'Each says what they understood; the client puts the request into one sentence.',
    },
    guide: {
      fr: ['Qu’avez-vous compris de la demande ?', 'Client : quelle aide attendez-vous, en une phrase ?'],
      en: ['What did you understand of the request?', 'Client: what help do you want, in one sentence?'],
    },
    leadRoles: ['client'],
    durationMs: minutes(10),
    floor: ['consultant', 'client'],
    board: [],
    records: [{ record: 'client_request', roles: ['client'] }], // CD-2: only the client writes the request
    suggestsRound: false,
  },
  {
    id: 'consultation',
    name: { fr: 'Consultation', en: 'Consultation' },
    purpose: {
      fr: 'Les consultants partagent idées, vécus et suggestions ; le client écoute et prend des notes.',
      en: 'Consultants share ideas, experiences and suggestions; the client listens and takes notes.',
    },
    guide: {
      fr: [
        'Qu’avez-vous vécu de semblable ?',
        'Quelle piste essaieriez-vous à sa place ?',
        'Qu’est-ce que cette situation vous fait ressentir ?',
      ],
      en: [
        'What similar situation have you lived through?',
        'Which way would you try in their place?',
        'How does this situation make you feel?',
      ],
    },
    leadRoles: ['consultant'],
    durationMs: minutes(25),
    floor: ['consultant'], // CD-3: the client listens, no replies
    board: [{ kind: 'suggestion', roles: ['consultant'] }], // CD-4: the client's board input is locked
    records: [{ record: 'card_stars', roles: ['client'] }], // PM-1: the client stars while listening
    suggestsRound: false,
  },
  {
    id: 'synthesis',
    name: { fr: 'Synthèse et plan d’action', en: 'Synthesis and action plan' },
    purpose: {
      fr: 'Le client trie ce qu’il a reçu et s’engage sur des actions d’ici la prochaine séance.',
      en: 'The client sorts what they received and commits to actions before the next session.',
    },
    guide: {
      fr: [
        'Qu’est-ce que vous retenez ?',
        'Que ferez-vous, pour quand, avec qui ?',
        'Quelle est votre confiance, de 1 à 10 ?',
      ],
      en: [
        'What do you keep?',
        'What will you do, by when, with whom?',
        'How confident are you, from 1 to 10?',
      ],
    },
    leadRoles: ['client'],
    durationMs: minutes(15),
    floor: ['client'],
    board: [],
    records: [
      { record: 'card_triage', roles: ['client'] }, // CD-5
      { record: 'action_plan', roles: ['client'] },
      { record: 'confidence', roles: ['client'] },
    ],
    suggestsRound: false,
  },
  {
    id: 'learning',
    name: { fr: 'Apprentissages et régulation', en: 'Learning and review' },
    purpose: {
      fr: 'Chacun, à tour de rôle, dit ce qu’il a appris ; le groupe évalue la séance.',
      en: 'Each person in turn says what they learned; the group reviews the session.',
    },
    guide: {
      fr: [
        'Qu’est-ce que j’emporte pour ma propre pratique ?',
        'Comment la séance s’est-elle passée pour moi ?',
      ],
      en: ['What do I take away for my own practice?', 'How did the session go for me?'],
    },
    leadRoles: ['facilitator'],
    durationMs: minutes(15),
    floor: ['client', 'consultant', 'facilitator'],
    board: [],
    records: [
      { record: 'learnings', roles: ['client', 'consultant', 'facilitator'] },
      { record: 'evaluation', roles: ['client', 'consultant', 'facilitator'] },
    ],
    suggestsRound: true,
  },
];

export const codevRules = {
  fr: [
    'Ce qui se dit ici reste ici.',
    'On ne juge ni la personne ni ses choix.',
    'L’animateur tient le cadre et le temps ; il ne consulte pas.',
  ],
  en: [
    'What is said here stays here.',
    'No judgement of the person or their choices.',
    'The facilitator keeps the frame and the time, and does not consult.',
  ],
};

export const codevTemplate: Template = {
  id: 'codev',
  name: { fr: 'Codéveloppement', en: 'Co-development' },
  description: {
    fr: 'Un client apporte une situation, les consultants l’aident en six étapes.',
    en: 'A client brings a situation; the consultants help in six steps.',
  },
  rules: codevRules,
  roles: [
    { role: 'facilitator', min: 1, max: 1 },
    { role: 'client', min: 1, max: 1 },
    { role: 'consultant', min: 2, max: 8 },
  ],
  keyRole: 'facilitator',
  driver: 'key_role',
  joinRoles: [],
  defaultRole: 'consultant',
  minPeople: 4,
  maxPeople: 10,
  swap: null,
  editable: false,
  phases: codevPhases,
};
