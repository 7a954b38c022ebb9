import { remainingMs, type Timer } from '@cercle/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatClock, locale, t } from '../i18n/index.js';
import { tr } from '../i18n/words.js';
import { nowTick } from '../state/clock.js';
import { chime, cue } from '../ui/sound.js';

const flashMs = 3_000;

/**
 * The shared countdown: the server's deadline minus the server's time as this page knows it, so every
 * screen shows the same figure. At zero: a flash, a spoken "time is up" (a live region, for screen
 * readers and for whoever looks away) and a chime if enabled; after it, overtime counts up.
 */
export function Countdown({
  timer,
  label,
  compact,
  phaseName,
  warnBeforeMs,
  plannedMs,
}: {
  timer: Timer | null;
  label?: string;
  compact?: boolean;
  /** The phase the timer is for, named in the announcement at zero. */
  phaseName?: string;
  /** TM-8: warn this long before zero (the room's setting); absent or 0 for no warning. */
  warnBeforeMs?: number;
  /** The phase's timebox: no warning in a phase planned no longer than the warning itself. */
  plannedMs?: number;
}) {
  const now = nowTick.value;
  const left = timer ? remainingMs(timer, now) : null;
  const wasPositive = useRef<boolean | null>(null);
  const [flashing, setFlashing] = useState(false);
  const [announced, setAnnounced] = useState(false);

  const positive = left !== null && left > 0;
  // TM-8: shown to everyone from the shared deadline in the last minutes of a timebox longer than the
  // warning; the tone plays only on a crossing seen live, where sound is on.
  const warn = warnBeforeMs ?? 0;
  const warning = warn > 0 && left !== null && positive && left <= warn && (plannedMs ?? 0) > warn;
  const wasWarned = useRef<boolean | null>(null);
  useEffect(() => {
    if (wasWarned.current === false && warning && timer?.pausedAt === null) cue();
    wasWarned.current = left === null ? null : warning;
  }, [warning, left === null]);
  useEffect(() => {
    // Signal only a crossing seen live, not a page opened in overtime.
    if (wasPositive.current === true && left !== null && !positive && timer?.pausedAt === null) {
      setFlashing(true);
      setAnnounced(true);
      chime();
    }
    // Time given back (+1 min) or a new phase: the next zero is a new signal.
    if (positive || left === null) setAnnounced(false);
    wasPositive.current = left === null ? null : positive;
  }, [positive, left === null]);
  useEffect(() => {
    if (!flashing) return;
    const off = window.setTimeout(() => setFlashing(false), flashMs);
    return () => window.clearTimeout(off);
  }, [flashing]);

  // Present before it speaks: a live region added with its text is often not read out.
  const alert = compact ? null : (
    <p class="sr-only" aria-live="assertive" data-testid="timer-alert">
      {announced ? (phaseName ? t().room.timeUpAlert(phaseName) : t().room.timeUp) : ''}
    </p>
  );

  if (!timer || left === null) {
    return compact ? null : (
      <>
        <div class="countdown" role="timer">
          <div class="label">{t().room.noTimer}</div>
          <div class="clock">–</div>
        </div>
        {alert}
      </>
    );
  }
  const paused = timer.pausedAt !== null;
  const over = left <= 0;
  const cls = [
    'countdown',
    over ? 'over' : left < 60_000 ? 'low' : '',
    paused ? 'paused' : '',
    flashing ? 'flash' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const state = paused ? t().room.paused : over ? t().room.overtime : (label ?? t().room.timeLeft);
  return (
    <>
      <div
        class={cls}
        role="timer"
        aria-live="off"
        data-testid={compact ? 'speaker-timer' : 'phase-timer'}
        data-signal={flashing ? 'zero' : undefined}
      >
        <div class="label">{state}</div>
        <div class="clock">
          {over ? '+' : ''}
          {formatClock(left)}
        </div>
        {over && !compact && <div class="label">{t().room.timeUp}</div>}
      </div>
      {warning && (
        <p class="countdown-warning" role="status" data-testid="phase-warning">
          {tr().timeCues.warning(
            warn % 60_000 === 0
              ? new Intl.NumberFormat(locale.value, { style: 'unit', unit: 'minute' }).format(warn / 60_000)
              : new Intl.NumberFormat(locale.value, { style: 'unit', unit: 'second' }).format(
                  Math.round(warn / 1000),
                ),
          )}
        </p>
      )}
      {alert}
    </>
  );
}
