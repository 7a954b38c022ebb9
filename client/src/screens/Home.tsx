import {
  type ErrorCode,
  MAX_PHASE_DURATION_MS,
  MAX_PHASES,
  MIN_PHASE_DURATION_MS,
  type PhaseSpecRequest,
  phasesFromSpecs,
  type Recipe,
  recipeFromFragment,
  recipeSchema,
  roomCodeSchema,
  shippedRecipes,
  TEXT_LIMITS,
  type TemplateId,
  templates,
} from '@cercle/shared';
import { useSignal } from '@preact/signals';
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { ct } from '../circles/texts.js';
import { tp } from '../i18n/in-phase.js';
import { type Locale, loc, locale, t } from '../i18n/index.js';
import { CreateRoomError, checkRecipeRequest, createRoomRequest } from '../net/api.js';
import { joinRoom } from '../net/connection.js';
import { loadLastName, saveFacilitatorKey, saveLastName } from '../net/storage.js';
import { justCreated } from '../state/room.js';
import { navigate, roomPath } from '../state/route.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';

const methodOrder: TemplateId[] = [
  'codev',
  'peer-coaching',
  'tripartite-framing',
  'tripartite-closing',
  'custom',
];

/**
 * A phase as shaped on this page; `id` is the template phase it starts from, or a local id for a new one.
 * A phase from a recipe keeps the recipe's whole entry (`spec`: guide, locks...) under the page's changes.
 */
type PhaseDraft = {
  id: string;
  name: { fr: string; en: string };
  minutes: number;
  /** Silent writing (SW-1), offered where the phase has a board. */
  silent: boolean;
  writable: boolean;
  spec?: PhaseSpecRequest;
};

function draftsOf(id: TemplateId): PhaseDraft[] {
  return templates[id].phases.map((p) => ({
    id: p.id,
    name: { ...p.name },
    minutes: Math.round(p.durationMs / 60_000),
    silent: p.silent === true,
    writable: p.board.length > 0,
  }));
}

/** RC-2: a recipe's phases as this page shapes them (it was checked by the server's rules first). */
function draftsOfRecipe(recipe: Recipe): PhaseDraft[] {
  const built = phasesFromSpecs(templates[recipe.template], recipe.phases);
  if (!built.ok) return draftsOf(recipe.template);
  return built.phases.map((p, i) => ({
    id: p.id,
    name: { ...p.name },
    minutes: Math.round(p.durationMs / 60_000),
    silent: p.silent === true,
    writable: p.board.length > 0,
    spec: recipe.phases[i]!,
  }));
}

/** What the method list has chosen: a method, a shipped recipe, or a recipe opened from a file or link. */
type Choice = { kind: 'method'; id: TemplateId } | { kind: 'recipe'; id: string; recipe: Recipe };

/**
 * The room's whole phase list for `POST /api/rooms` (CU-2): each template phase by its id with its
 * timebox (and its name if renamed), each new phase with its name and timebox; the order is the list's.
 * The server checks it with the engine's own rules and names the phase at fault if it refuses.
 */
function phaseSpecs(id: TemplateId, drafts: PhaseDraft[]): PhaseSpecRequest[] {
  const base = new Map(templates[id].phases.map((p) => [p.id, p]));
  return drafts.map((draft) => {
    const durationMs = draft.minutes * 60_000;
    const name = { fr: draft.name.fr.trim(), en: draft.name.en.trim() };
    if (draft.spec) return { ...draft.spec, name, durationMs, silent: draft.silent };
    const silent = draft.silent ? { silent: true } : {};
    const from = base.get(draft.id);
    if (!from) return { name, durationMs, ...silent };
    const renamed = from.name.fr !== name.fr || from.name.en !== name.en;
    return { from: from.id, durationMs, ...(renamed ? { name } : {}), ...silent };
  });
}

/** Why a room was not created: the server's code and phase, a blank name, or no answer at all. */
type CreateFailure = { code: ErrorCode | null; phase: number | null; blankName?: boolean };

const indicatorLines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 20);

const minMinutes = MIN_PHASE_DURATION_MS / 60_000;
const maxMinutes = MAX_PHASE_DURATION_MS / 60_000;

export function Home() {
  return (
    <>
      <header class="topbar">
        <span class="brand">{t().appName}</span>
        <span class="spacer" />
        <LanguageSwitch />
      </header>
      <main id="main" class="page">
        <div class="hero">
          <h1>{t().appName}</h1>
          <p>{t().tagline}</p>
          <p>
            <a
              href="/c"
              onClick={(e) => {
                e.preventDefault();
                navigate('/c');
              }}
            >
              {ct().openCircle}
            </a>
          </p>
        </div>
        <div class="home-grid">
          <JoinByCode />
          <CreateRoomForm />
        </div>
      </main>
    </>
  );
}

function JoinByCode() {
  const code = useSignal('');
  const error = useSignal(false);
  const submit = (e: Event) => {
    e.preventDefault();
    const parsed = roomCodeSchema.safeParse(code.value);
    if (!parsed.success) {
      error.value = true;
      return;
    }
    navigate(roomPath(parsed.data));
  };
  return (
    <section class="panel" aria-labelledby="join-title">
      <h2 id="join-title">{t().home.joinTitle}</h2>
      <form onSubmit={submit}>
        <div class="field">
          <label for="join-code">{t().home.codeLabel}</label>
          <input
            id="join-code"
            name="code"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            placeholder={t().home.codePlaceholder}
            value={code.value}
            aria-invalid={error.value}
            aria-describedby={error.value ? 'join-code-error' : undefined}
            onInput={(e) => {
              code.value = e.currentTarget.value;
              error.value = false;
            }}
          />
          {error.value && (
            <p id="join-code-error" class="hint" role="alert">
              {t().home.badCode}
            </p>
          )}
        </div>
        <button type="submit" class="primary">
          {t().home.join}
        </button>
      </form>
    </section>
  );
}

function CreateRoomForm() {
  const method = useSignal<TemplateId>('codev');
  const choice = useSignal<Choice>({ kind: 'method', id: 'codev' });
  const opened = useSignal<string | null>(null);
  const recipeError = useSignal<string | null>(null);
  const advanceWhenDone = useSignal(false);
  const title = useSignal('');
  const roomLocale = useSignal<Locale>(locale.value);
  const name = useSignal(loadLastName());
  const phases = useSignal<PhaseDraft[]>(draftsOf('codev'));
  const anonymous = useSignal(false);
  const autoAdvance = useSignal(false);
  const indicators = useSignal('');
  const busy = useSignal(false);
  const failure = useSignal<CreateFailure | null>(null);

  const editable = templates[method.value].editable;
  const totalMinutes = phases.value.reduce((sum, p) => sum + p.minutes, 0);

  const pickMethod = (id: TemplateId) => {
    method.value = id;
    choice.value = { kind: 'method', id };
    phases.value = draftsOf(id);
    opened.value = null;
  };
  const pickRecipe = (id: string, recipe: Recipe) => {
    method.value = recipe.template;
    choice.value = { kind: 'recipe', id, recipe };
    phases.value = draftsOfRecipe(recipe);
    anonymous.value = recipe.allowAnonymousCards ?? false;
    autoAdvance.value = recipe.autoAdvance ?? false;
    advanceWhenDone.value = recipe.advanceWhenDone ?? false;
    failure.value = null;
  };
  /** RC-2: a recipe from a file or a link is read by the server's rules before it is chosen. */
  const openRecipe = async (raw: unknown, from: 'file' | 'link') => {
    recipeError.value = null;
    const parsed = recipeSchema.safeParse(raw);
    if (!parsed.success) {
      recipeError.value = tp().recipes.unreadable;
      return;
    }
    const checked = await checkRecipeRequest(parsed.data);
    if (!checked.ok) {
      failure.value = { code: checked.code, phase: checked.phase };
      recipeError.value = tp().recipes.refused;
      return;
    }
    pickRecipe(`opened-${from}`, checked.recipe);
    const name = checked.recipe.name ?? t().templates[checked.recipe.template];
    opened.value = from === 'file' ? tp().recipes.fromFile(name) : tp().recipes.fromLink(name);
  };
  useEffect(() => {
    // A link to a recipe (`/#recipe=...`) opens the home page with that method chosen.
    const hash = window.location.hash;
    if (!hash.startsWith('#recipe=')) return;
    const recipe = recipeFromFragment(hash);
    if (recipe) void openRecipe(recipe, 'link');
    else recipeError.value = tp().recipes.unreadable;
  }, []);
  const updatePhase = (index: number, change: Partial<PhaseDraft>) => {
    phases.value = phases.value.map((p, i) => (i === index ? { ...p, ...change } : p));
  };
  const movePhase = (index: number, by: number) => {
    const next = [...phases.value];
    const [moved] = next.splice(index, 1);
    if (!moved) return;
    next.splice(index + by, 0, moved);
    phases.value = next;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const displayName = name.value.trim();
    if (!displayName) return;
    const blank = phases.value.findIndex((p) => !p.name.fr.trim() || !p.name.en.trim());
    if (blank >= 0) {
      failure.value = { code: null, phase: blank, blankName: true };
      return;
    }
    busy.value = true;
    failure.value = null;
    try {
      const created = await createRoomRequest({
        template: method.value,
        title: title.value.trim() || undefined,
        locale: roomLocale.value,
        allowAnonymousCards: anonymous.value,
        // A closing meeting starts with the indicators agreed at framing, one per line.
        ...(method.value === 'tripartite-closing' && indicatorLines(indicators.value).length > 0
          ? { indicators: indicatorLines(indicators.value) }
          : {}),
        autoAdvance: autoAdvance.value,
        advanceWhenDone: advanceWhenDone.value,
        ...(choice.value.kind === 'recipe' && choice.value.recipe.warnBeforeMs !== undefined
          ? { warnBeforeMs: choice.value.recipe.warnBeforeMs }
          : {}),
        // Every method's phases and timeboxes are set here, at creation: the room starts with exactly these.
        phases: phaseSpecs(method.value, phases.value),
      });
      saveLastName(displayName);
      if (created.facilitatorKey) saveFacilitatorKey(created.code, created.facilitatorKey);
      justCreated.value = { code: created.code, facilitatorKey: created.facilitatorKey ?? null };
      navigate(roomPath(created.code));
      joinRoom(created.code, displayName);
    } catch (error) {
      failure.value =
        error instanceof CreateRoomError
          ? { code: error.code, phase: error.phase }
          : { code: null, phase: null };
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="panel" aria-labelledby="create-title">
      <h2 id="create-title">{t().home.createTitle}</h2>
      <form onSubmit={submit}>
        <fieldset class="methods">
          <legend>{t().home.method}</legend>
          {methodOrder.map((id) => {
            const template = templates[id];
            return (
              <label class="method" key={id}>
                <input
                  type="radio"
                  name="method"
                  value={id}
                  checked={choice.value.kind === 'method' && choice.value.id === id}
                  onChange={() => pickMethod(id)}
                />
                <strong>{t().templates[id]}</strong>
                <span class="hint">{loc(template.description)}</span>
                <span class="hint">{t().home.people(template.minPeople, template.maxPeople)}</span>
              </label>
            );
          })}
        </fieldset>
        <fieldset class="methods recipes" data-testid="recipes">
          <legend>{tp().recipes.shipped}</legend>
          {shippedRecipes.map((shipped) => {
            const minutes = draftsOfRecipe(shipped.recipe).reduce((sum, p) => sum + p.minutes, 0);
            const template = templates[shipped.recipe.template];
            return (
              <label class="method" key={shipped.id}>
                <input
                  type="radio"
                  name="method"
                  value={`recipe:${shipped.id}`}
                  checked={choice.value.kind === 'recipe' && choice.value.id === shipped.id}
                  onChange={() => {
                    opened.value = null;
                    pickRecipe(shipped.id, shipped.recipe);
                  }}
                />
                <strong>{loc(shipped.name)}</strong>
                <span class="hint">{loc(shipped.description)}</span>
                <span class="hint">
                  {t().home.people(template.minPeople, template.maxPeople)} · {t().home.total(minutes)}
                </span>
              </label>
            );
          })}
          <div class="field">
            <label for="recipe-file">{tp().recipes.open}</label>
            <input
              id="recipe-file"
              type="file"
              accept=".json,application/json"
              onChange={async (e) => {
                const file = e.currentTarget.files?.[0];
                if (!file) return;
                try {
                  await openRecipe(JSON.parse(await file.text()), 'file');
                } catch {
                  recipeError.value = tp().recipes.unreadable;
                }
              }}
            />
          </div>
          {opened.value && (
            <p class="hint" role="status" data-testid="recipe-opened">
              {opened.value}
            </p>
          )}
          {recipeError.value && (
            <p class="hint error-text" role="alert" data-testid="recipe-error">
              {recipeError.value}
            </p>
          )}
        </fieldset>

        <div class="row">
          <div class="field grow">
            <label for="create-name">{t().home.yourName}</label>
            <input
              id="create-name"
              required
              maxLength={TEXT_LIMITS.displayName}
              autocomplete="given-name"
              value={name.value}
              onInput={(e) => {
                name.value = e.currentTarget.value;
              }}
            />
          </div>
          <div class="field grow">
            <label for="create-title-input">{t().home.title}</label>
            <input
              id="create-title-input"
              maxLength={80}
              placeholder={t().home.titlePlaceholder}
              value={title.value}
              onInput={(e) => {
                title.value = e.currentTarget.value;
              }}
            />
          </div>
          <div class="field">
            <label for="create-locale">{t().home.roomLanguage}</label>
            <select
              id="create-locale"
              value={roomLocale.value}
              onChange={(e) => {
                roomLocale.value = e.currentTarget.value as Locale;
              }}
            >
              <option value="fr">Français</option>
              <option value="en">English</option>
            </select>
          </div>
        </div>

        <h3>{t().home.phases}</h3>
        <ol class="phase-edit">
          {phases.value.map((p, i) => {
            const phaseName = p.name[roomLocale.value];
            const atFault = failure.value?.phase === i;
            return (
              <li key={p.id} class={atFault ? 'invalid' : undefined}>
                <span class="num">{i + 1}.</span>
                {editable ? (
                  <input
                    class="pname"
                    aria-label={t().home.phaseName(i + 1)}
                    maxLength={TEXT_LIMITS.phaseName}
                    aria-invalid={atFault}
                    value={phaseName}
                    onInput={(e) =>
                      updatePhase(i, { name: { fr: e.currentTarget.value, en: e.currentTarget.value } })
                    }
                  />
                ) : (
                  <span class="pname">{phaseName}</span>
                )}
                <input
                  class="minutes"
                  type="number"
                  inputMode="numeric"
                  min={minMinutes}
                  max={maxMinutes}
                  aria-label={t().home.phaseMinutes(phaseName)}
                  value={p.minutes}
                  onInput={(e) => {
                    const value = Number(e.currentTarget.value);
                    if (Number.isFinite(value) && value >= minMinutes && value <= maxMinutes) {
                      updatePhase(i, { minutes: Math.round(value) });
                    }
                  }}
                />
                <span class="hint">{t().home.minutesShort}</span>
                {p.writable && (
                  <label class="check silent-pick">
                    <input
                      type="checkbox"
                      checked={p.silent}
                      aria-label={tp().silent.silentLabel(phaseName)}
                      onChange={(e) => updatePhase(i, { silent: e.currentTarget.checked })}
                    />
                    {tp().silent.silentPhase}
                  </label>
                )}
                {editable && (
                  <PhaseOrderButtons
                    name={phaseName}
                    first={i === 0}
                    last={i === phases.value.length - 1}
                    onUp={() => movePhase(i, -1)}
                    onDown={() => movePhase(i, 1)}
                    onRemove={
                      phases.value.length > 1
                        ? () => (phases.value = phases.value.filter((_, j) => j !== i))
                        : undefined
                    }
                  />
                )}
              </li>
            );
          })}
        </ol>
        <div class="row">
          <span class="hint grow">
            {t().home.total(totalMinutes)}
            {!editable && ` · ${t().home.fixedHint}`}
          </span>
          {editable && phases.value.length < MAX_PHASES && (
            <button
              type="button"
              class="small"
              onClick={() => {
                phases.value = [
                  ...phases.value,
                  {
                    id: `p${Date.now().toString(36)}`,
                    name: { fr: 'Nouvelle étape', en: 'New phase' },
                    minutes: 10,
                    silent: false,
                    writable: false,
                  },
                ];
              }}
            >
              + {t().home.addPhase}
            </button>
          )}
        </div>

        {method.value === 'tripartite-closing' && (
          <div class="field">
            <label for="create-indicators">{t().home.indicators}</label>
            <textarea
              id="create-indicators"
              placeholder={t().home.indicatorsHint}
              value={indicators.value}
              onInput={(e) => {
                indicators.value = e.currentTarget.value;
              }}
            />
          </div>
        )}

        <div class="field">
          <label class="check">
            <input
              type="checkbox"
              checked={anonymous.value}
              onChange={(e) => (anonymous.value = e.currentTarget.checked)}
            />
            {t().home.anonymous}
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={autoAdvance.value}
              onChange={(e) => (autoAdvance.value = e.currentTarget.checked)}
            />
            {t().home.autoAdvance}
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={advanceWhenDone.value}
              onChange={(e) => (advanceWhenDone.value = e.currentTarget.checked)}
            />
            {tp().done.advanceWhenDone}
          </label>
        </div>

        {failure.value && (
          <p role="alert" class="hint error-text" data-testid="create-error">
            {failureText(failure.value)}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy.value || !name.value.trim()}>
          {busy.value ? t().home.creating : t().home.create}
        </button>
      </form>
    </section>
  );
}

/** A refusal in words: which phase, if one is at fault, then the reason as for any refused command. */
function failureText(failure: CreateFailure): string {
  const texts = t();
  if (failure.blankName && failure.phase !== null) return texts.home.phaseBlank(failure.phase + 1);
  const reason = (failure.code && texts.errors[failure.code]) || texts.home.createFailed;
  return failure.phase === null ? reason : `${texts.home.atPhase(failure.phase + 1)}${reason}`;
}

function PhaseOrderButtons(props: {
  name: string;
  first: boolean;
  last: boolean;
  onUp: () => void;
  onDown: () => void;
  onRemove?: (() => void) | undefined;
}): JSX.Element {
  return (
    <>
      <button
        type="button"
        class="small ghost"
        aria-label={t().home.moveUp(props.name)}
        disabled={props.first}
        onClick={props.onUp}
      >
        ↑
      </button>
      <button
        type="button"
        class="small ghost"
        aria-label={t().home.moveDown(props.name)}
        disabled={props.last}
        onClick={props.onDown}
      >
        ↓
      </button>
      <button
        type="button"
        class="small ghost"
        aria-label={t().home.removePhase(props.name)}
        disabled={!props.onRemove}
        onClick={props.onRemove}
      >
        ✕
      </button>
    </>
  );
}
