import { computed } from '@preact/signals';
import { locale } from './index.js';

/**
 * The words of silent writing, "I'm done", private stars and recipes, in both languages. Kept apart from
 * the main dictionaries so the two grow without stepping on each other; same shape for fr and en.
 */
const fr = {
  silent: {
    phaseHint: 'Écriture silencieuse : vos cartes restent cachées aux autres jusqu’au dévoilement.',
    revealedHint: 'Les cartes de cette étape sont dévoilées.',
    hiddenCount: (n: number) =>
      n === 0 ? 'Aucune carte cachée.' : n === 1 ? '1 carte cachée.' : `${n} cartes cachées.`,
    reveal: 'Dévoiler les cartes',
    hiddenCard: 'Carte cachée jusqu’au dévoilement',
    hiddenMine: 'Cachée aux autres',
    silentPhase: 'Écriture silencieuse',
    silentLabel: (phase: string) => `Écriture silencieuse pendant « ${phase} »`,
  },
  done: {
    imDone: 'J’ai terminé',
    notDone: 'Je n’ai pas terminé',
    count: (done: number, of: number) => `${done} sur ${of} ont terminé`,
    doneNames: (names: string) => `Ont terminé : ${names}`,
    waitingNames: (names: string) => `Pas encore : ${names}`,
    nobody: 'personne',
    youAreDone: 'Vous avez indiqué avoir terminé.',
    advanceWhenDone: 'Passer à l’étape suivante quand tout le monde a terminé',
    title: 'Où en est chacun',
  },
  stars: {
    star: 'Marquer d’une étoile',
    unstar: 'Retirer l’étoile',
    starLabel: (text: string) => `Marquer d’une étoile (vous seul la voyez) : ${text}`,
    unstarLabel: (text: string) => `Retirer l’étoile : ${text}`,
    starred: 'Étoilée',
    hint: 'Vos étoiles ne sont visibles que par vous.',
    firstHint: 'Vos suggestions étoilées viennent en premier.',
  },
  recipes: {
    title: 'Recettes',
    save: 'Enregistrer la méthode',
    saveHint: 'Phases, durées, verrous et questions : un fichier à garder, un lien à partager.',
    download: 'Télécharger la recette',
    link: 'Lien de la recette',
    copyLink: 'Copier le lien de la recette',
    open: 'Ouvrir un fichier de recette',
    fromLink: (name: string) => `Méthode ouverte depuis un lien : ${name}`,
    fromFile: (name: string) => `Méthode ouverte depuis un fichier : ${name}`,
    refused: 'Cette recette ne peut pas être ouverte.',
    unreadable: 'Ce fichier n’est pas une recette Cercle.',
    shipped: 'Recettes prêtes à l’emploi',
    untitled: 'recette',
  },
};

const en: typeof fr = {
  silent: {
    phaseHint: 'Silent writing: your cards stay hidden from the others until the reveal.',
    revealedHint: 'This phase’s cards are revealed.',
    hiddenCount: (n: number) =>
      n === 0 ? 'No hidden card.' : n === 1 ? '1 hidden card.' : `${n} hidden cards.`,
    reveal: 'Reveal the cards',
    hiddenCard: 'Hidden until the reveal',
    hiddenMine: 'Hidden from the others',
    silentPhase: 'Silent writing',
    silentLabel: (phase: string) => `Silent writing during “${phase}”`,
  },
  done: {
    imDone: 'I’m done',
    notDone: 'I’m not done',
    count: (done: number, of: number) => `${done} of ${of} done`,
    doneNames: (names: string) => `Done: ${names}`,
    waitingNames: (names: string) => `Not yet: ${names}`,
    nobody: 'nobody',
    youAreDone: 'You said you are done.',
    advanceWhenDone: 'Move on when everyone is done',
    title: 'Who is done',
  },
  stars: {
    star: 'Star',
    unstar: 'Unstar',
    starLabel: (text: string) => `Star (only you see it): ${text}`,
    unstarLabel: (text: string) => `Remove the star: ${text}`,
    starred: 'Starred',
    hint: 'Only you see your stars.',
    firstHint: 'Your starred suggestions come first.',
  },
  recipes: {
    title: 'Recipes',
    save: 'Save the method',
    saveHint: 'Phases, timeboxes, locks and questions: a file to keep, a link to share.',
    download: 'Download the recipe',
    link: 'Recipe link',
    copyLink: 'Copy the recipe link',
    open: 'Open a recipe file',
    fromLink: (name: string) => `Method opened from a link: ${name}`,
    fromFile: (name: string) => `Method opened from a file: ${name}`,
    refused: 'This recipe cannot be opened.',
    unreadable: 'This file is not a Cercle recipe.',
    shipped: 'Ready-made recipes',
    untitled: 'recipe',
  },
};

const texts = computed(() => (locale.value === 'fr' ? fr : en));

/** The current texts of this part of the page (subscribes the component to the language). */
export const tp = (): typeof fr => texts.value;
