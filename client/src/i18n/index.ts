import { computed, signal } from '@preact/signals';
import { en } from './en.js';
import { fr } from './fr.js';

export type Locale = 'fr' | 'en';
export type Texts = typeof fr;

const storedLocaleKey = 'cercle.locale';

/** French for French browsers, English otherwise; a choice made with the switch wins. */
function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(storedLocaleKey);
    if (stored === 'fr' || stored === 'en') return stored;
  } catch {
    // storage blocked: fall back on the browser's language
  }
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  return languages.some((l) => l?.toLowerCase().startsWith('fr')) ? 'fr' : 'en';
}

export const locale = signal<Locale>(initialLocale());
export const texts = computed<Texts>(() => (locale.value === 'fr' ? fr : en));

/** The current texts. Reading it inside a component subscribes that component to the language. */
export const t = (): Texts => texts.value;

/** Picks the current language from a `{ fr, en }` pair, as the engine's templates give them. */
export function loc<T>(pair: { fr: T; en: T }): T {
  return pair[locale.value];
}

export function setLocale(next: Locale): void {
  locale.value = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(storedLocaleKey, next);
  } catch {
    // the choice lasts for this page
  }
}

export function formatClock(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

export const formatMinutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;
