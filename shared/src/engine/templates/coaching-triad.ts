import { minutes, type Phase, type Template } from '../template.js';
import { peerCoachingTemplate } from './peer-coaching.js';

/**
 * A coaching triad: the peer-coaching steps, run once by a coach and a coachee, with an observer who
 * listens through every step (never on the floor, nothing on the board) and speaks first in the debrief,
 * where the three of them look back at how the coaching went. Any of the three drives (PC-1).
 */
const steps: Phase[] = peerCoachingTemplate.phases.map((phase) => ({ ...phase }));

const debrief: Phase = {
  id: 'debrief',
  name: { fr: 'Retour de l’observateur', en: 'Observer’s debrief' },
  purpose: {
    fr: 'L’observateur rend compte de ce qu’il a vu ; le coach puis le coaché disent ce qu’ils en retiennent.',
    en: 'The observer reports what they saw; the coach, then the coachee, say what they take from it.',
  },
  guide: {
    fr: [
      'Quelles questions du coach ont fait avancer le coaché ?',
      'À quel moment la conversation a-t-elle changé de direction ?',
      'Qu’est-ce que le coach pourrait essayer la prochaine fois ?',
    ],
    en: [
      'Which of the coach’s questions moved the coachee forward?',
      'When did the conversation change direction?',
      'What could the coach try next time?',
    ],
  },
  leadRoles: ['observer'],
  durationMs: minutes(10),
  floor: ['observer', 'coach', 'coachee'],
  board: [],
  records: [{ record: 'learnings', roles: ['observer', 'coach', 'coachee'] }],
  suggestsRound: true,
};

export const coachingTriadTemplate: Template = {
  id: 'coaching-triad',
  name: { fr: 'Triade de coaching', en: 'Coaching triad' },
  description: {
    fr: 'Un coach, un coaché et un observateur silencieux qui prend la parole au débriefing.',
    en: 'A coach, a coachee and a silent observer who speaks at the debrief.',
  },
  rules: {
    fr: [
      'Ce qui se dit dans la triade y reste.',
      'L’observateur écoute sans intervenir jusqu’au débriefing.',
      'Le coach questionne, il ne donne pas la solution.',
    ],
    en: [
      'What is said in the triad stays in the triad.',
      'The observer listens without stepping in until the debrief.',
      'The coach asks; they do not hand over the answer.',
    ],
  },
  roles: [
    { role: 'coachee', min: 1, max: 1 },
    { role: 'coach', min: 1, max: 1 },
    { role: 'observer', min: 1, max: 1 },
  ],
  keyRole: null,
  driver: 'any_member',
  joinRoles: ['coachee', 'coach', 'observer'],
  defaultRole: 'observer',
  minPeople: 3,
  maxPeople: 3,
  swap: null,
  editable: false,
  phases: [...steps, debrief],
};
