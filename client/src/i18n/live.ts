import { computed } from '@preact/signals';
import { locale } from './index.js';

/**
 * The words of live facilitation on the page: kept drafts, the compact bar of a narrow window, moving a
 * seat to another device, editing an action or a note, hiding the logbook while sharing a screen. Kept
 * apart from the main dictionaries so they grow without stepping on each other; same shape for fr and en.
 */
const fr = {
  drafts: {
    title: 'Brouillons gardés',
    hint: 'Ce que vous avez écrit dans une zone fermée depuis : gardé sur cet appareil, rien n’est perdu.',
    box: (name: string) => `Brouillon : ${name}`,
    toLogbook: 'Copier dans mon carnet',
    copied: 'Copié dans le carnet (à ajouter)',
    backInBox: 'Remettre dans la zone',
    discard: 'Jeter ce brouillon',
    copy: 'Copier le texte',
    reopens: 'Revient dans sa zone quand elle rouvre.',
  },
  boxes: {
    post: 'carte',
    edit: 'modification d’une carte',
    statement: 'énoncé',
    action: 'action',
    learning: 'apprentissage',
    evaluation: 'commentaire d’évaluation',
    indicator: 'note sur un indicateur',
    other: 'texte',
  },
  bar: {
    write: 'Écrire',
    writeLabel: 'Aller à la zone où écrire',
    paused: 'En pause',
  },
  device: {
    open: 'Ouvrir sur un autre appareil',
    hint: 'Ce lien vous remet à votre place, avec votre rôle et votre carnet, sur un autre appareil. Il est personnel : ne le partagez pas.',
    copy: 'Copier mon lien personnel',
    link: 'Mon lien personnel',
    qr: 'QR code de votre lien personnel',
    hide: 'Masquer',
  },
  plan: {
    edit: 'Modifier',
    editLabel: (what: string) => `Modifier l’action « ${what} »`,
  },
  logbook: {
    edit: 'Modifier',
    editLabel: 'Modifier la note',
    save: 'Enregistrer la note',
    cancel: 'Annuler',
    hide: 'Masquer mon carnet (partage d’écran)',
    show: 'Afficher mon carnet',
    hidden: 'Carnet masqué sur cet écran. Il reste privé et vos notes sont gardées.',
  },
};

const en: typeof fr = {
  drafts: {
    title: 'Kept drafts',
    hint: 'What you wrote in a box that has closed since: kept on this device, nothing is lost.',
    box: (name: string) => `Draft: ${name}`,
    toLogbook: 'Copy into my logbook',
    copied: 'Copied into the logbook (to add)',
    backInBox: 'Put back in its box',
    discard: 'Throw this draft away',
    copy: 'Copy the text',
    reopens: 'Goes back in its box when the box opens again.',
  },
  boxes: {
    post: 'card',
    edit: 'card edit',
    statement: 'statement',
    action: 'action',
    learning: 'learning',
    evaluation: 'evaluation comment',
    indicator: 'note on an indicator',
    other: 'text',
  },
  bar: {
    write: 'Write',
    writeLabel: 'Go to the box to write in',
    paused: 'Paused',
  },
  device: {
    open: 'Open on another device',
    hint: 'This link puts you back in your seat, with your role and your logbook, on another device. It is personal: do not share it.',
    copy: 'Copy my personal link',
    link: 'My personal link',
    qr: 'QR code of your personal link',
    hide: 'Hide',
  },
  plan: {
    edit: 'Edit',
    editLabel: (what: string) => `Edit the action “${what}”`,
  },
  logbook: {
    edit: 'Edit',
    editLabel: 'Edit the note',
    save: 'Save the note',
    cancel: 'Cancel',
    hide: 'Hide my logbook (screen sharing)',
    show: 'Show my logbook',
    hidden: 'Logbook hidden on this screen. It stays private and your notes are kept.',
  },
};

const texts = computed(() => (locale.value === 'fr' ? fr : en));

/** The current texts of this part of the page (subscribes the component to the language). */
export const tl = (): typeof fr => texts.value;
