import { MAX_SPEAKER_MS, MIN_SPEAKER_MS, recipeLink, recipeOf, remainingMs, roleCount } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { tp } from '../i18n/in-phase.js';
import { formatTime, loc, t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { RecordSoFar } from '../record/RecordDownloads.js';
import { nowTick } from '../state/clock.js';
import { can, isPair, nameOf, permitted } from '../state/derived.js';
import { lastMove, movePhase, moving, undoMove } from '../state/moves.js';
import { view } from '../state/session.js';
import { CopyButton } from '../ui/CopyButton.js';
import { downloadText, slug } from '../ui/download.js';
import { Icon, type IconName } from '../ui/Icon.js';

/** The driver's controls: start, phases, timer, floor, rounds, entrance, end. Hidden when not allowed. */
export function ConsolePanel() {
  const v = view.value;
  if (!v) return null;
  const lobby = v.status === 'lobby';
  const running = v.status === 'running';
  const lastPhase = v.phaseIndex === v.phases.length - 1;
  return (
    <section class="panel console no-print" aria-labelledby="console-title" data-testid="console">
      <h2 id="console-title">
        <Icon name="sliders" /> {isPair.value ? t().console.titlePair : t().console.title}
      </h2>
      {lobby && <StartGroup />}
      {lobby && <DoneSetting />}
      {running && (
        <>
          <MoveGroup />
          {v.timer && (
            <Group title={t().room.timeLeft}>
              {v.timer.pausedAt === null ? (
                <Cmd type="pause_timer" label={t().console.pause} icon="pause" />
              ) : (
                <Cmd type="resume_timer" label={`▶ ${t().console.resume}`} primary />
              )}
              <button
                type="button"
                aria-label={`${t().console.plus1} (${t().console.plus1Label})`}
                disabled={!can('add_time')}
                onClick={() => void sendCommand({ type: 'add_time', ms: 60_000 })}
              >
                {t().console.plus1}
              </button>
              <button
                type="button"
                aria-label={`${t().console.plus5} (${t().console.plus5Label})`}
                disabled={!can('add_time')}
                onClick={() => void sendCommand({ type: 'add_time', ms: 300_000 })}
              >
                {t().console.plus5}
              </button>
              <WarningSetting />
              {can('set_auto_advance') && (
                <label class="check">
                  <input
                    type="checkbox"
                    checked={v.autoAdvance}
                    onChange={(e) =>
                      void sendCommand({ type: 'set_auto_advance', enabled: e.currentTarget.checked })
                    }
                  />
                  {t().home.autoAdvance}
                </label>
              )}
              <DoneSetting />
            </Group>
          )}
          <FloorGroup />
        </>
      )}
      {!lobby && v.status !== 'ended' && <EntranceGroup />}
      <RecipeGroup />
      {running && <RecordSoFar />}
      {running && lastPhase && !can('swap_roles') ? (
        <Group title={t().console.finish}>
          <EndButtons finishLabel={t().console.finish} />
        </Group>
      ) : (
        running && (
          <details>
            <summary>{t().console.end}</summary>
            <EndButtons finishLabel={t().console.end} />
          </details>
        )
      )}
    </section>
  );
}

function Group({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <fieldset class="group plain">
      <legend class="group-title">{title}</legend>
      {children}
    </fieldset>
  );
}

/**
 * Moving through the phases (PH-4): "previous" and "next" keep their places whatever the phase, disabled
 * rather than removed, so nothing slides under the pointer; at the end of a pair's first round the swap
 * takes the place of "next" (it is the pair's next step). A move can be undone in one click.
 */
function MoveGroup() {
  const v = view.value;
  const jumpTo = useSignal<number | null>(null);
  if (!v) return null;
  const swapNow = can('swap_roles');
  const busy = moving.value;
  const last = lastMove.value;
  const undoable =
    last && last.toIndex === v.phaseIndex && last.round === v.coachingRound && can('jump_phase');
  const target = jumpTo.value ?? v.phaseIndex;
  return (
    <Group title={t().console.phases}>
      <div class="move-row" data-testid="phase-moves">
        <button
          type="button"
          class="move-prev"
          disabled={!can('previous_phase') || busy}
          onClick={(e) => movePhase({ kind: 'previous' }, e)}
        >
          ◀ {t().console.prev}
        </button>
        {swapNow ? (
          <button
            type="button"
            class="primary move-next"
            disabled={busy}
            onClick={(e) => movePhase({ kind: 'swap' }, e)}
          >
            <Icon name="swap" /> {t().console.swap}
          </button>
        ) : (
          <button
            type="button"
            class="primary move-next"
            disabled={!can('next_phase') || busy}
            onClick={(e) => movePhase({ kind: 'next' }, e)}
          >
            {t().console.next} ▶
          </button>
        )}
      </div>
      {undoable && (
        <button type="button" class="small ghost" onClick={(e) => undoMove(e)}>
          ↶ {t().console.undo(loc(v.phases[last.fromIndex]?.name ?? { fr: '', en: '' }))}
        </button>
      )}
      {can('jump_phase') && (
        <div class="row jump">
          <label for="jump-to" class="hint">
            {t().console.jumpTo}
          </label>
          <select
            id="jump-to"
            value={String(target)}
            onChange={(e) => {
              jumpTo.value = Number(e.currentTarget.value);
            }}
          >
            {v.phases.map((phase, i) => (
              <option key={phase.id} value={String(i)}>
                {i + 1}. {loc(phase.name)}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={busy || target === v.phaseIndex}
            onClick={(e) => {
              jumpTo.value = null;
              movePhase({ kind: 'jump', index: target }, e);
            }}
          >
            {t().console.jump}
          </button>
        </div>
      )}
      <PlannedEnd />
    </Group>
  );
}

/** When the session should end, as things stand: this phase's deadline, then the others' timeboxes. */
function PlannedEnd() {
  const v = view.value;
  const now = nowTick.value;
  if (!v?.timer) return null;
  const rest = v.phases.slice(v.phaseIndex + 1).reduce((sum, phase) => sum + phase.durationMs, 0);
  const secondRound =
    v.template.swap && v.coachingRound === 1 ? v.phases.reduce((sum, phase) => sum + phase.durationMs, 0) : 0;
  const end = now + Math.max(0, remainingMs(v.timer, now)) + rest + secondRound;
  return (
    <p class="hint" data-testid="planned-end">
      {t().console.plannedEnd(formatTime(end))}
    </p>
  );
}

/** TM-8: how long before a phase's end everyone is warned. */
function WarningSetting() {
  const v = view.value;
  if (!v || !can('set_warning')) return null;
  const choices = [0, 1, 2, 3, 5].map((m) => m * 60_000);
  if (!choices.includes(v.warnBeforeMs)) choices.push(v.warnBeforeMs);
  return (
    <label class="check">
      {t().console.warning}{' '}
      <select
        value={String(v.warnBeforeMs)}
        onChange={(e) => void sendCommand({ type: 'set_warning', ms: Number(e.currentTarget.value) })}
      >
        {choices.map((ms) => (
          <option key={ms} value={String(ms)}>
            {ms === 0 ? t().console.warningOff : t().console.warningMinutes(ms / 60_000)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Cmd({
  type,
  label,
  primary,
  icon,
}: {
  type:
    | 'pause_timer'
    | 'resume_timer'
    | 'start'
    | 'lock_room'
    | 'unlock_room'
    | 'release_floor'
    | 'next_speaker'
    | 'stop_round';
  label: string;
  primary?: boolean;
  icon?: IconName;
}) {
  if (!can(type)) return null;
  return (
    <button type="button" class={primary ? 'primary' : undefined} onClick={() => void sendCommand({ type })}>
      {icon && <Icon name={icon} />}
      {label}
    </button>
  );
}

function StartGroup() {
  const v = view.value;
  if (!v) return null;
  // The method's seats below their minimum, said in words ("1 client"), so the driver knows why.
  const missing = v.template.roles
    .filter((slot) => roleCount(v, slot.role) < slot.min)
    .map((slot) => `${slot.min - roleCount(v, slot.role)} × ${t().roles[slot.role]}`);
  return (
    <Group title={t().console.start}>
      {!isPair.value && <p class="hint">{t().console.assignHint}</p>}
      {missing.length > 0 && (
        <p class="hint" data-testid="start-missing">
          {t().console.startNeeds(missing.join(', '))}
        </p>
      )}
      <button
        type="button"
        class="primary"
        disabled={!can('start') || missing.length > 0}
        onClick={() => void sendCommand({ type: 'start' })}
      >
        ▶ {t().console.start}
      </button>
      <EntranceGroup />
    </Group>
  );
}

function FloorGroup() {
  const v = view.value;
  const minutes = useSignal(2);
  if (!v) return null;
  const round = v.floor.round;
  const hands = v.floor.hands;
  const minMinutes = MIN_SPEAKER_MS / 60_000;
  const maxMinutes = MAX_SPEAKER_MS / 60_000;
  return (
    <>
      <Group title={t().people.handQueue(hands.length)}>
        {hands.length > 0 && permitted({ type: 'give_floor' }) && (
          <button type="button" class="primary" onClick={() => void sendCommand({ type: 'give_floor' })}>
            <Icon name="mic" /> {t().console.nextHand} ({nameOf(hands[0])})
          </button>
        )}
        {v.floor.speakerId && <Cmd type="release_floor" label={t().console.clearFloor} />}
      </Group>
      <Group title={t().console.round}>
        {round ? (
          <>
            <Cmd type="next_speaker" label={`${t().console.nextSpeaker} ▶`} primary />
            <Cmd type="stop_round" label={`■ ${t().console.stopRound}`} />
          </>
        ) : (
          can('start_round') && (
            <>
              <label for="round-minutes" class="hint">
                {t().console.perSpeaker}
              </label>
              <input
                id="round-minutes"
                class="minutes"
                type="number"
                min={minMinutes}
                max={maxMinutes}
                step={0.5}
                value={minutes.value}
                onInput={(e) => {
                  const n = Number(e.currentTarget.value);
                  if (Number.isFinite(n) && n > 0) minutes.value = n;
                }}
              />
              <button
                type="button"
                onClick={() =>
                  void sendCommand({
                    type: 'start_round',
                    perSpeakerMs: Math.round(
                      Math.min(maxMinutes, Math.max(minMinutes, minutes.value)) * 60_000,
                    ),
                  })
                }
              >
                <Icon name="repeat" /> {t().console.startRound}
              </button>
            </>
          )
        )}
      </Group>
    </>
  );
}

function EntranceGroup() {
  const v = view.value;
  if (!v || isPair.value) return null;
  return (
    <div class="group">
      {v.locked && (
        <p class="hint">
          <Icon name="lock" /> {t().console.locked}
        </p>
      )}
      <Cmd type="lock_room" label={t().console.lock} icon="lock" />
      <Cmd type="unlock_room" label={t().console.unlock} icon="unlock" />
    </div>
  );
}

function EndButtons({ finishLabel }: { finishLabel: string }) {
  const confirming = useSignal<'end' | 'purge' | null>(null);
  if (!can('end')) return null;
  if (confirming.value) {
    const purge = confirming.value === 'purge';
    return (
      <div class="group" role="alertdialog" aria-label={purge ? t().console.purge : t().console.end}>
        <p>{purge ? t().console.purgeConfirm : t().console.endConfirm}</p>
        <button
          type="button"
          class={purge ? 'danger' : 'primary'}
          onClick={() => void sendCommand({ type: 'end', purge })}
        >
          {purge ? t().console.purge : finishLabel}
        </button>
        <button type="button" onClick={() => (confirming.value = null)}>
          {t().board.cancel}
        </button>
      </div>
    );
  }
  return (
    <div class="group">
      <button type="button" class="primary" onClick={() => (confirming.value = 'end')}>
        ■ {finishLabel}
      </button>
      <button type="button" class="danger" onClick={() => (confirming.value = 'purge')}>
        <Icon name="trash" /> {t().console.purge}
      </button>
    </div>
  );
}

/** DN-3: the room moves on once everyone expected in the phase said they are done. */
function DoneSetting() {
  const v = view.value;
  if (!v || !can('set_advance_when_done')) return null;
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={v.advanceWhenDone}
        onChange={(e) =>
          void sendCommand({ type: 'set_advance_when_done', enabled: e.currentTarget.checked })
        }
      />
      {tp().done.advanceWhenDone}
    </label>
  );
}

/** RC-2: the room's method as a recipe: a JSON file to keep and a link that opens the home page with it. */
function RecipeGroup() {
  const v = view.value;
  const open = useSignal(false);
  if (!v) return null;
  const recipe = recipeOf(v);
  const link = recipeLink(window.location.origin, recipe);
  return (
    <details
      class="recipe-save"
      open={open.value}
      onToggle={(e) => (open.value = (e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>{tp().recipes.save}</summary>
      <p class="hint">{tp().recipes.saveHint}</p>
      <div class="group">
        <button
          type="button"
          onClick={() =>
            downloadText(
              `cercle-recipe-${slug(v.title ?? v.template.id)}.json`,
              `${JSON.stringify(recipe, null, 2)}\n`,
              'application/json',
            )
          }
        >
          <Icon name="download" /> {tp().recipes.download}
        </button>
        {open.value && <CopyButton text={link} label={tp().recipes.copyLink} />}
      </div>
      {open.value && (
        <div class="field">
          <label for="recipe-link">{tp().recipes.link}</label>
          <input id="recipe-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
    </details>
  );
}
