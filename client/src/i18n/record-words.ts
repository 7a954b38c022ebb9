import type { RecordTexts, StatementField } from '@cercle/shared';
import { en as enMain } from './en.js';
import { fr as frMain } from './fr.js';

/** How one written statement is named where it is written (RD-3). */
type FieldWords = {
  /** Its heading, for everyone. */
  title: string;
  /** The label of its box, for whoever writes it. */
  label: string;
  save: string;
  /** The line of "what I do now" for whoever may write it. */
  doing: string;
};

/**
 * The words of the session record, of the written statements and of "who speaks now", in both
 * languages. Kept apart from the main dictionaries (same shape for fr and en); `tr()` in words.ts
 * picks the page's language.
 */
const fr = {
  recordFile: {
    title: 'Bilan de la séance',
    // One name per method and role across the page and its files.
    methods: frMain.templates,
    held: (date) => `Séance du ${date}`,
    notStarted: 'Séance pas encore commencée',
    exported: (date) => `Exporté le ${date}`,
    draft: (phase) =>
      `Bilan provisoire, téléchargé pendant la séance${phase ? ` (étape « ${phase} »)` : ''} : la suite n’y figure pas.`,
    participants: 'Participants',
    roles: frMain.roles,
    statements: {
      client_request: 'La demande du client',
      organisation_request: 'La demande de l’organisation',
      coachee_request: 'La demande du coaché',
      synthesis: 'Synthèse',
      framing_synthesis: 'La synthèse du coach',
      coachee_review: 'Le bilan du coaché',
    },
    clarification: 'Clarification : questions et réponses',
    cardKinds: {
      question: 'Questions',
      answer: 'Réponses',
      suggestion: 'Suggestions',
      option: 'Options',
      objective: 'Objectifs',
      indicator: 'Indicateurs de progrès',
      note: 'Notes',
    },
    cardKindOne: {
      question: 'question',
      answer: 'réponse',
      suggestion: 'suggestion',
      option: 'option',
      objective: 'objectif',
      indicator: 'indicateur',
      note: 'note',
    },
    statuses: { open: 'non triée', kept: 'retenue', set_aside: 'mise de côté' },
    anonymous: 'anonyme',
    followUp: 'Suivi des actions des séances précédentes',
    followUpStatuses: { open: 'à faire', in_progress: 'en cours', done: 'faite', dropped: 'abandonnée' },
    fromSession: (n) => `séance ${n}`,
    plan: 'Plan d’action',
    noPlan: 'Aucune action.',
    byWhen: (when) => `pour ${when}`,
    withWhom: (who) => `avec ${who}`,
    round: (n) => `tour ${n}`,
    confidence: 'Confiance (sur 10)',
    verdicts: { met: 'atteint', partly_met: 'en partie', not_met: 'non atteint' },
    learnings: 'Apprentissages',
    evaluation: 'Évaluation de la séance',
    average: (average, count) => `Moyenne ${average}/5 (${count} avis)`,
    times: 'Temps prévu et temps réel par étape',
    timeRow: (phase, planned, actual) => `${phase} : ${planned} prévues, ${actual} réelles`,
    confidenceRow: (name, value) => `${name} : ${value}/10`,
  } satisfies RecordTexts,
  fields: {
    client_request: {
      title: 'La demande du client',
      label: 'Votre demande en une phrase',
      save: 'Épingler la demande',
      doing: 'Écrivez votre demande en une phrase.',
    },
    organisation_request: {
      title: 'La demande de l’organisation',
      label: 'La demande de l’organisation, telle que le commanditaire la formule',
      save: 'Enregistrer la demande de l’organisation',
      doing: 'Notez la demande de l’organisation, telle que le commanditaire la formule.',
    },
    coachee_request: {
      title: 'La demande du coaché',
      label: 'La demande du coaché, dans ses mots',
      save: 'Enregistrer la demande du coaché',
      doing: 'Notez la demande du coaché, dans ses mots.',
    },
    synthesis: {
      title: 'Synthèse',
      label: 'La synthèse',
      save: 'Enregistrer la synthèse',
      doing: 'Rédigez la synthèse.',
    },
    framing_synthesis: {
      title: 'La synthèse du coach',
      label: 'Votre synthèse du cadrage : demandes, objectifs, indicateurs, accords',
      save: 'Enregistrer la synthèse',
      doing: 'Rédigez la synthèse du cadrage, qui servira de base à l’accompagnement.',
    },
    coachee_review: {
      title: 'Le bilan du coaché',
      label: 'Votre bilan : ce que vous avez mis en place, ce qui a changé, ce qui reste',
      save: 'Enregistrer mon bilan',
      doing: 'Écrivez votre bilan du coaching.',
    },
  } satisfies Record<StatementField, FieldWords>,
  download: {
    markdown: 'Télécharger le bilan (Markdown)',
    json: 'Télécharger le bilan (JSON)',
    soFar: 'Télécharger le bilan provisoire',
    soFarHint: 'Ce qui est écrit jusqu’ici, en Markdown et en JSON.',
    fileName: 'bilan',
    setAside: 'Suggestions mises de côté',
  },
  floor: {
    youSpeak: 'À vous : vous avez la parole.',
    yourTurnInRound: 'À vous : vous avez la parole dans le tour de table.',
    youAlone: 'À vous : vous avez la parole, les autres écoutent.',
    inTurn: (phrase: string) => `Parole tour à tour entre ${phrase} : levez la main pour parler.`,
    shared: (phrase: string) => `La parole est partagée entre ${phrase} : vous pouvez intervenir.`,
    holds: (name: string) => `${name} a la parole`,
    roundHolds: (name: string) => `tour de table, ${name} parle`,
    speakerRaise: (name: string) => `${name} a la parole ; levez la main pour parler ensuite.`,
    speakerHand: (name: string, position: number) =>
      `${name} a la parole ; votre main est levée (${position === 1 ? '1re' : `${position}e`} dans la file).`,
    roundWait: (name: string, turns: number) =>
      `Tour de table : ${name} parle. ${turns === 1 ? 'Vous parlez juste après.' : `Votre tour dans ${turns} prises de parole.`}`,
    roundListen: (name: string) => `Tour de table : ${name} parle, vous écoutez.`,
    roundDone: (name: string) => `Tour de table : ${name} parle ; vous avez déjà parlé.`,
  },
  timeCues: {
    warning: (minutes: string) => `Il reste moins de ${minutes} dans cette étape.`,
  },
};

const en: typeof fr = {
  recordFile: {
    title: 'Session record',
    methods: enMain.templates,
    held: (date) => `Session of ${date}`,
    notStarted: 'Session not started yet',
    exported: (date) => `Exported on ${date}`,
    draft: (phase) =>
      `Interim record, downloaded during the session${phase ? ` (phase “${phase}”)` : ''}: what follows is not in it.`,
    participants: 'Participants',
    roles: enMain.roles,
    statements: {
      client_request: 'The client’s request',
      organisation_request: 'The organisation’s request',
      coachee_request: 'The coachee’s request',
      synthesis: 'Synthesis',
      framing_synthesis: 'The coach’s synthesis',
      coachee_review: 'The coachee’s review',
    },
    clarification: 'Clarification: questions and answers',
    cardKinds: {
      question: 'Questions',
      answer: 'Answers',
      suggestion: 'Suggestions',
      option: 'Options',
      objective: 'Objectives',
      indicator: 'Progress indicators',
      note: 'Notes',
    },
    cardKindOne: {
      question: 'question',
      answer: 'answer',
      suggestion: 'suggestion',
      option: 'option',
      objective: 'objective',
      indicator: 'indicator',
      note: 'note',
    },
    statuses: { open: 'not sorted', kept: 'kept', set_aside: 'set aside' },
    anonymous: 'anonymous',
    followUp: 'Follow-up of earlier sessions’ actions',
    followUpStatuses: { open: 'to do', in_progress: 'in progress', done: 'done', dropped: 'dropped' },
    fromSession: (n) => `session ${n}`,
    plan: 'Action plan',
    noPlan: 'No action.',
    byWhen: (when) => `by ${when}`,
    withWhom: (who) => `with ${who}`,
    round: (n) => `round ${n}`,
    confidence: 'Confidence (out of 10)',
    verdicts: { met: 'met', partly_met: 'partly met', not_met: 'not met' },
    learnings: 'Learnings',
    evaluation: 'Session review',
    average: (average, count) => `Average ${average}/5 (${count} review${count === 1 ? '' : 's'})`,
    times: 'Planned and actual time per phase',
    timeRow: (phase, planned, actual) => `${phase}: ${planned} planned, ${actual} actual`,
    confidenceRow: (name, value) => `${name}: ${value}/10`,
  },
  fields: {
    client_request: {
      title: 'The client’s request',
      label: 'Your request in one sentence',
      save: 'Pin the request',
      doing: 'Write your request in one sentence.',
    },
    organisation_request: {
      title: 'The organisation’s request',
      label: 'The organisation’s request, as the sponsor puts it',
      save: 'Save the organisation’s request',
      doing: 'Write down the organisation’s request, as the sponsor puts it.',
    },
    coachee_request: {
      title: 'The coachee’s request',
      label: 'The coachee’s request, in their own words',
      save: 'Save the coachee’s request',
      doing: 'Write down the coachee’s request, in their own words.',
    },
    synthesis: {
      title: 'Synthesis',
      label: 'The synthesis',
      save: 'Save the synthesis',
      doing: 'Write the synthesis.',
    },
    framing_synthesis: {
      title: 'The coach’s synthesis',
      label: 'Your synthesis of the framing: requests, objectives, indicators, agreements',
      save: 'Save the synthesis',
      doing: 'Write the synthesis of the framing, which the engagement will build on.',
    },
    coachee_review: {
      title: 'The coachee’s review',
      label: 'Your review: what you put in place, what changed, what remains',
      save: 'Save my review',
      doing: 'Write your review of the coaching.',
    },
  },
  download: {
    markdown: 'Download the record (Markdown)',
    json: 'Download the record (JSON)',
    soFar: 'Download the record so far',
    soFarHint: 'What is written so far, as Markdown and JSON.',
    fileName: 'record',
    setAside: 'Suggestions set aside',
  },
  floor: {
    youSpeak: 'Your turn: you have the floor.',
    yourTurnInRound: 'Your turn: you have the floor in the round.',
    youAlone: 'Your turn: you have the floor; the others listen.',
    inTurn: (phrase) => `The floor goes to ${phrase} one at a time: raise your hand to speak.`,
    shared: (phrase) => `The floor is shared between ${phrase}: you may speak.`,
    holds: (name) => `${name} has the floor`,
    roundHolds: (name) => `round, ${name} speaks`,
    speakerRaise: (name) => `${name} has the floor; raise your hand to speak next.`,
    speakerHand: (name, position) =>
      `${name} has the floor; your hand is raised (number ${position} in the queue).`,
    roundWait: (name, turns) =>
      `Round: ${name} speaks. ${turns === 1 ? 'You speak next.' : `Your turn in ${turns} speakers.`}`,
    roundListen: (name) => `Round: ${name} speaks, you listen.`,
    roundDone: (name) => `Round: ${name} speaks; you have had your turn.`,
  },
  timeCues: {
    warning: (minutes) => `Less than ${minutes} left in this phase.`,
  },
};

/** Both languages; plain data, so the record's tests read the same words as the page. */
export const recordWords = { fr, en };
export type RecordWords = typeof fr;

/** The record's words in a given language: the file follows the room's language (RD-2). */
export const recordTextsIn = (language: 'fr' | 'en'): RecordTexts => recordWords[language].recordFile;
