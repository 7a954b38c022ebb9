import { minutes, type Phase, type Role, type TemplateInfo } from './template.js';

/** The id of the follow-up step that opens a circle's session after the first (CS-1). */
export const FOLLOW_UP_PHASE_ID = 'follow-up';
/** The id of the topic round that may open a codev circle's session (CS-3). */
export const TOPIC_ROUND_PHASE_ID = 'topic-round';

/**
 * CS-1, CS-3: the steps a circle puts before a method's phases. Everyone but the key seat speaks and
 * writes in them: each owner marks their own items, each member posts a case and votes; the facilitator
 * confirms the chosen case (the policy's `confirm_topic`).
 */
export function circleSteps(
  template: Pick<TemplateInfo, 'roles' | 'keyRole'>,
  wanted: { followUp: boolean; topicRound: boolean },
): Phase[] {
  const members: Role[] = template.roles.map((slot) => slot.role).filter((role) => role !== template.keyRole);
  const everyone: Role[] = template.roles.map((slot) => slot.role);
  const steps: Phase[] = [];
  if (wanted.followUp) {
    steps.push({
      id: FOLLOW_UP_PHASE_ID,
      name: { fr: 'Suivi', en: 'Follow-up' },
      purpose: {
        fr: 'Chacun fait le point sur ses actions des séances précédentes : faite, en cours ou abandonnée.',
        en: 'Each person reviews their actions from earlier sessions: done, in progress or dropped.',
      },
      guide: {
        fr: ['Qu’avez-vous fait depuis la dernière séance ?', 'Où en est votre confiance aujourd’hui ?'],
        en: ['What have you done since the last session?', 'How confident are you now?'],
      },
      leadRoles: members,
      durationMs: minutes(10),
      floor: everyone,
      board: [],
      records: [{ record: 'follow_up', roles: members }],
      suggestsRound: true,
    });
  }
  if (wanted.topicRound) {
    steps.push({
      id: TOPIC_ROUND_PHASE_ID,
      name: { fr: 'Tour des sujets', en: 'Topic round' },
      purpose: {
        fr: 'Chacun peut proposer un cas en une ligne ; le groupe vote, l’animation confirme le client.',
        en: 'Each person may offer a case in one line; the group votes, the facilitator confirms the client.',
      },
      guide: {
        fr: ['Quelle situation aimeriez-vous travailler aujourd’hui ?', 'Quel cas est le plus mûr ?'],
        en: ['What situation would you like to work on today?', 'Which case is the most ready?'],
      },
      leadRoles: members,
      durationMs: minutes(10),
      floor: everyone,
      board: [],
      records: [{ record: 'topic_round', roles: members }],
      suggestsRound: false,
    });
  }
  return steps;
}
