import { minutes, type Template } from '../template.js';

const pair = ['coach', 'coachee'] as const;

/** Six steps for a pair; run twice, the roles swapped for the second round (PC-3). */
export const peerCoachingTemplate: Template = {
  id: 'peer-coaching',
  name: { fr: 'Peer-coaching en binôme', en: 'Peer coaching in pairs' },
  description: {
    fr: 'Deux pairs se coachent à tour de rôle : six étapes, puis on échange les rôles.',
    en: 'Two peers coach each other in turn: six steps, then the roles swap.',
  },
  rules: {
    fr: ['Ce qui se dit dans le binôme y reste.', 'Le coach questionne, il ne donne pas la solution.'],
    en: ['What is said in the pair stays in the pair.', 'The coach asks; they do not hand over the answer.'],
  },
  roles: [
    { role: 'coachee', min: 1, max: 1 },
    { role: 'coach', min: 1, max: 1 },
  ],
  keyRole: null,
  driver: 'any_member', // PC-1: no facilitator, either member drives
  joinRoles: ['coachee', 'coach'],
  defaultRole: 'coach',
  minPeople: 2,
  maxPeople: 2,
  swap: { roles: ['coach', 'coachee'], restartPhaseId: 'sharing' },
  editable: false,
  phases: [
    {
      id: 'introduction',
      name: { fr: 'Introduction', en: 'Introduction' },
      purpose: {
        fr: 'Chacun présente brièvement sa situation et ce qu’il vise.',
        en: 'Each briefly presents their situation and what they aim for.',
      },
      guide: {
        fr: ['De quelle situation voulez-vous parler ?', 'Que voulez-vous qu’elle devienne ?'],
        en: ['Which situation do you want to talk about?', 'What do you want it to become?'],
      },
      leadRoles: [...pair],
      durationMs: minutes(4),
      floor: [...pair],
      board: [],
      records: [],
      suggestsRound: true,
    },
    {
      id: 'sharing',
      name: { fr: 'Partage', en: 'Sharing' },
      purpose: {
        fr: 'Le coaché détaille sa situation ; le coach écoute sans l’interrompre.',
        en: 'The coachee details the situation; the coach listens without interrupting.',
      },
      guide: {
        fr: [
          'Quel est le contexte, qui est impliqué ?',
          'Qu’est-ce qui vous aide, qu’est-ce qui vous freine ?',
          'Pourquoi cela doit-il changer ?',
        ],
        en: [
          'What is the context, who is involved?',
          'What helps you, what holds you back?',
          'Why does this need to change?',
        ],
      },
      leadRoles: ['coachee'],
      durationMs: minutes(4),
      floor: ['coachee'], // PC-2: the coach does not take the floor
      board: [],
      records: [],
      suggestsRound: false,
    },
    {
      id: 'goal',
      name: { fr: 'Objectif de la séance', en: 'Session goal' },
      purpose: {
        fr: 'S’accorder sur un objectif d’ensemble précis et mesurable, et sur celui de cette séance.',
        en: 'Agree on a precise, measurable overall goal, and on the goal of this session.',
      },
      guide: {
        fr: [
          'Quel résultat, mesurable et daté, visez-vous ?',
          'Qu’aurez-vous clarifié ou décidé à la fin de cette séance ?',
        ],
        en: [
          'Which measurable, dated result are you after?',
          'What will you have clarified or decided by the end?',
        ],
      },
      leadRoles: ['coach'],
      durationMs: minutes(5),
      floor: [...pair],
      board: [{ kind: 'objective', roles: ['coachee'] }],
      records: [],
      suggestsRound: false,
    },
    {
      id: 'reality',
      name: { fr: 'État des lieux', en: 'Reality check' },
      purpose: {
        fr: 'Le coach explore ce qui se passe aujourd’hui, ce qui a été tenté, ce qui bloque.',
        en: 'The coach explores what happens today, what was tried, what blocks.',
      },
      guide: {
        fr: [
          'Que se passe-t-il concrètement en ce moment ?',
          'Qu’avez-vous déjà essayé ?',
          'Qu’est-ce qui bloque ?',
        ],
        en: ['What is actually happening right now?', 'What have you tried already?', 'What is in the way?'],
      },
      leadRoles: ['coach'],
      durationMs: minutes(10),
      floor: [...pair],
      board: [{ kind: 'note', roles: ['coachee', 'coach'] }],
      records: [],
      suggestsRound: false,
    },
    {
      id: 'options',
      name: { fr: 'Options', en: 'Options' },
      purpose: {
        fr: 'Ouvrir les possibles : options, avantages et inconvénients, la solution idéale.',
        en: 'Open up the possibilities: options, pros and cons, the ideal solution.',
      },
      guide: {
        fr: [
          'Quelles options voyez-vous ?',
          'Pour chacune, qu’y gagnez-vous, qu’y perdez-vous ?',
          'Avec une baguette magique, que feriez-vous ?',
        ],
        en: [
          'Which options do you see?',
          'For each, what do you gain and lose?',
          'With a magic wand, what would you do?',
        ],
      },
      leadRoles: ['coach'],
      durationMs: minutes(10),
      floor: [...pair],
      board: [{ kind: 'option', roles: ['coachee', 'coach'] }],
      records: [],
      suggestsRound: false,
    },
    {
      id: 'commitments',
      name: { fr: 'Engagements', en: 'Commitments' },
      purpose: {
        fr: 'Le coaché choisit ses prochains pas, anticipe les obstacles et dit sa confiance de 1 à 10.',
        en: 'The coachee picks next steps, plans around obstacles and rates their confidence from 1 to 10.',
      },
      guide: {
        fr: [
          'Quelle est la prochaine étape concrète ?',
          'Quels obstacles, et comment les passer ?',
          'Qui ou quoi peut vous aider ?',
          'Votre confiance de 1 à 10 : que faudrait-il pour atteindre 9 ou 10 ?',
        ],
        en: [
          'What is the next concrete step?',
          'Which obstacles, and how will you get past them?',
          'Who or what can help you?',
          'Your confidence from 1 to 10: what would take it to 9 or 10?',
        ],
      },
      leadRoles: ['coach'],
      durationMs: minutes(10),
      floor: [...pair],
      board: [],
      records: [
        { record: 'action_plan', roles: ['coachee'] },
        { record: 'confidence', roles: ['coachee'] },
      ],
      suggestsRound: false,
    },
  ],
};
