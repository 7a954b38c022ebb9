import type { CircleKind } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { locale } from '../i18n/index.js';
import { navigate } from '../state/route.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';
import { CircleApiError, circleApi } from './api.js';
import { saveSecret } from './storage.js';
import { ct } from './texts.js';

const kinds: CircleKind[] = ['codev', 'peer-coaching', 'tripartite'];

/** `/c`: opens a circle; its facilitator key is kept by this browser and the circle's page opens. */
export function NewCircle() {
  const kind = useSignal<CircleKind>('codev');
  const title = useSignal('');
  const lang = useSignal<'fr' | 'en'>(locale.value);
  const error = useSignal<string | null>(null);
  return (
    <main class="circle-page">
      <header class="bar">
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          {ct().home}
        </a>
        <LanguageSwitch />
      </header>
      <h1>{ct().newTitle}</h1>
      <p>{ct().newIntro}</p>
      <form
        class="panel"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const made = await circleApi.create({
              kind: kind.value,
              title: title.value.trim(),
              locale: lang.value,
            });
            saveSecret(made.circleId, made.facilitatorKey);
            navigate(`/c/${made.circleId}`);
          } catch (err) {
            error.value =
              err instanceof CircleApiError && err.code ? ct().errors[err.code] : ct().errors.unreachable;
          }
        }}
      >
        <fieldset>
          <legend>{ct().kind}</legend>
          {kinds.map((k) => (
            <label key={k}>
              <input type="radio" name="kind" checked={kind.value === k} onChange={() => (kind.value = k)} />{' '}
              {ct().kinds[k]}
            </label>
          ))}
        </fieldset>
        <label>
          {ct().title}
          <input
            required
            maxLength={120}
            value={title.value}
            onInput={(e) => (title.value = e.currentTarget.value)}
          />
        </label>
        <label>
          {ct().language}
          <select value={lang.value} onChange={(e) => (lang.value = e.currentTarget.value as 'fr' | 'en')}>
            <option value="fr">Français</option>
            <option value="en">English</option>
          </select>
        </label>
        <button type="submit" class="primary">
          {ct().create}
        </button>
        {error.value && <p role="alert">{error.value}</p>}
      </form>
    </main>
  );
}
