import { MAX_SPEAKER_MS, MIN_SPEAKER_MS, roleCount } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { can, isPair, nameOf } from '../state/derived.js';
import { view } from '../state/session.js';
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
      {running && (
        <>
          <Group title={t().room.stepper}>
            <Cmd type="previous_phase" label={`◀ ${t().console.prev}`} />
            {!lastPhase && <Cmd type="next_phase" label={`${t().console.next} ▶`} primary />}
            {can('swap_roles') && <Cmd type="swap_roles" label={t().console.swap} icon="swap" primary />}
            {lastPhase && !can('swap_roles') && <EndButtons finishLabel={t().console.finish} />}
          </Group>
          {v.timer && (
            <Group title={t().room.timeLeft}>
              {v.timer.pausedAt === null ? (
                <Cmd type="pause_timer" label={t().console.pause} icon="pause" />
              ) : (
                <Cmd type="resume_timer" label={`▶ ${t().console.resume}`} primary />
              )}
              <button
                type="button"
                aria-label={t().console.plus1Label}
                disabled={!can('add_time')}
                onClick={() => void sendCommand({ type: 'add_time', ms: 60_000 })}
              >
                {t().console.plus1}
              </button>
              <button
                type="button"
                aria-label={t().console.plus5Label}
                disabled={!can('add_time')}
                onClick={() => void sendCommand({ type: 'add_time', ms: 300_000 })}
              >
                {t().console.plus5}
              </button>
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
            </Group>
          )}
          <FloorGroup />
        </>
      )}
      {!lobby && v.status !== 'ended' && <EntranceGroup />}
      {running && !lastPhase && (
        <details>
          <summary>{t().console.end}</summary>
          <EndButtons finishLabel={t().console.end} />
        </details>
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

function Cmd({
  type,
  label,
  primary,
  icon,
}: {
  type:
    | 'previous_phase'
    | 'next_phase'
    | 'swap_roles'
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
        {can('give_floor') && hands.length > 0 && (
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
