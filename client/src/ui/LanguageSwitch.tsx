import { locale, setLocale, t } from '../i18n/index.js';

/** One button: shows the other language, in that language. */
export function LanguageSwitch() {
  const next = locale.value === 'fr' ? 'en' : 'fr';
  return (
    <button
      type="button"
      class="small"
      lang={next}
      aria-label={t().switchToLabel}
      onClick={() => setLocale(next)}
    >
      {t().switchTo}
    </button>
  );
}
