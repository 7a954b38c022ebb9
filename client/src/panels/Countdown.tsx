import { remainingMs, type Timer } from '@cercle/shared';
import { useEffect, useRef } from 'preact/hooks';
import { formatClock, t } from '../i18n/index.js';
import { nowTick } from '../state/clock.js';
import { chime } from '../ui/sound.js';

/**
 * The shared countdown: the server's deadline minus the server's time as this page knows it, so every
 * screen shows the same figure. At zero: a flash (and a chime if enabled); after it, overtime counts up.
 */
export function Countdown({
  timer,
  label,
  compact,
}: {
  timer: Timer | null;
  label?: string;
  compact?: boolean;
}) {
  const now = nowTick.value;
  const left = timer ? remainingMs(timer, now) : null;
  const wasPositive = useRef<boolean | null>(null);
  const flashing = useRef(false);

  const positive = left !== null && left > 0;
  useEffect(() => {
    // Signal only a crossing seen live, not a page opened in overtime.
    if (wasPositive.current === true && left !== null && !positive && timer?.pausedAt === null) {
      flashing.current = true;
      chime();
      window.setTimeout(() => {
        flashing.current = false;
      }, 3_000);
    }
    wasPositive.current = left === null ? null : positive;
  }, [positive, left === null]);

  if (!timer || left === null) {
    return compact ? null : (
      <div class="countdown" role="timer">
        <div class="label">{t().room.noTimer}</div>
        <div class="clock">–</div>
      </div>
    );
  }
  const paused = timer.pausedAt !== null;
  const over = left <= 0;
  const cls = [
    'countdown',
    over ? 'over' : left < 60_000 ? 'low' : '',
    paused ? 'paused' : '',
    flashing.current ? 'flash' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const state = paused ? t().room.paused : over ? t().room.overtime : (label ?? t().room.timeLeft);
  return (
    <div class={cls} role="timer" aria-live="off" data-testid={compact ? 'speaker-timer' : 'phase-timer'}>
      <div class="label">{state}</div>
      <div class="clock">
        {over ? '+' : ''}
        {formatClock(left)}
      </div>
      {over && !compact && <div class="label">{t().room.timeUp}</div>}
    </div>
  );
}
