import { computed, signal } from '@preact/signals';
import { en } from './en.js';
import { fr } from './fr.js';

export type Locale = 'fr' | 'en';
export type Texts = typeof fr;

const storedLocaleKey = 'cercle.locale';

/** Where the page's language comes from: the switch, the browser, or (neither fr nor en) the room. */
type LocaleSource = 'chosen' | 'browser' | 'room';

/**
 * A choice made with the switch wins; then the browser: French for French browsers, English for English
 * ones; a browser that asks for neither takes the room's language once it is known (English until then).
 */
function initialLocale(): { locale: Locale; source: LocaleSource } {
  try {
    const stored = localStorage.getItem(storedLocaleKey);
    if (stored === 'fr' || stored === 'en') return { locale: stored, source: 'chosen' };
  } catch {
    // storage blocked: fall back on the browser's language
  }
  const languages = (navigator.languages?.length ? navigator.languages : [navigator.language]).map((l) =>
    (l ?? '').toLowerCase(),
  );
  if (languages.some((l) => l.startsWith('fr'))) return { locale: 'fr', source: 'browser' };
  if (languages.some((l) => l.startsWith('en'))) return { locale: 'en', source: 'browser' };
  return { locale: 'en', source: 'room' };
}

const initial = initialLocale();
let source: LocaleSource = initial.source;
export const locale = signal<Locale>(initial.locale);
export const texts = computed<Texts>(() => (locale.value === 'fr' ? fr : en));

/** The current texts. Reading it inside a component subscribes that component to the language. */
export const t = (): Texts => texts.value;

/** Picks the current language from a `{ fr, en }` pair, as the engine's templates give them. */
export function loc<T>(pair: { fr: T; en: T }): T {
  return pair[locale.value];
}

function applyLocale(next: Locale): void {
  locale.value = next;
  document.documentElement.lang = next;
}

/** The room's language, for a browser that asked for neither French nor English (never over the switch). */
export function adoptRoomLocale(roomLocale: Locale): void {
  if (source === 'room' && locale.value !== roomLocale) applyLocale(roomLocale);
}

export function setLocale(next: Locale): void {
  source = 'chosen';
  applyLocale(next);
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

/** A time of day in the page's language (16:45, 4:45 PM). */
export function formatTime(at: number): string {
  return new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' }).format(at);
}

/** A date and time in the page's language. */
export function formatDateTime(at: number): string {
  return new Intl.DateTimeFormat(locale.value, { dateStyle: 'long', timeStyle: 'short' }).format(at);
}

/** A number in the page's language: "4,5" in French, "4.5" in English. */
export function formatNumber(n: number, digits = 1): string {
  return new Intl.NumberFormat(locale.value, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(n);
}

export const formatMinutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;
