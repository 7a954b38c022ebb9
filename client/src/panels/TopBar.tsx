import { remainingMs } from '@cercle/shared';
import { formatClock, loc, t } from '../i18n/index.js';
import { tl } from '../i18n/live.js';
import { nowTick } from '../state/clock.js';
import { can, phase } from '../state/derived.js';
import { roomFacts } from '../state/room.js';
import { displayCode } from '../state/route.js';
import { link, pendingCount, roomCode, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';
import { setSound, soundEnabled } from '../ui/sound.js';
import { whatIDoNow } from './NowStrip.js';

/** Always on top: the room, the connection state, and the few switches that matter everywhere. */
export function TopBar({ onInvite, inviteOpen }: { onInvite?: () => void; inviteOpen?: boolean }) {
  // The room's own title (in its view); the public facts only until the view arrives.
  const title = view.value ? view.value.title : roomFacts.value?.title;
  return (
    <header class="topbar">
      <span class="brand">{t().appName}</span>
      <span class="code-chip" title={t().share.code}>
        {displayCode(roomCode.value)}
      </span>
      <span class="title" data-testid="room-title">
        {title ?? ''}
      </span>
      {pendingCount.value > 0 && (
        <span class="status-pill" role="status">
          {t().room.sending(pendingCount.value)}
        </span>
      )}
      {onInvite && (
        <button type="button" class="small" aria-expanded={inviteOpen} onClick={onInvite}>
          {inviteOpen ? t().share.hide : t().share.show}
        </button>
      )}
      <a class="button small no-print" href="#logbook" aria-label={t().logbook.title}>
        <Icon name="book" />
        <span class="wide-only">{t().logbook.title}</span>
      </a>
      <button
        type="button"
        class="small"
        aria-pressed={soundEnabled.value}
        aria-label={soundEnabled.value ? t().room.soundOn : t().room.soundOff}
        title={soundEnabled.value ? t().room.soundOn : t().room.soundOff}
        onClick={() => setSound(!soundEnabled.value)}
      >
        <Icon name={soundEnabled.value ? 'bell' : 'bellOff'} />
      </button>
      <LanguageSwitch />
      <CompactNow />
    </header>
  );
}

/**
 * The narrow window's bar (a phone, or 360 px beside the video call): the phase, the countdown, "paused",
 * what I do now and a way to the box to write in, on screen whatever the scroll (it lives in the sticky
 * header). Hidden on wide screens, where the now strip itself stays in view.
 */
function CompactNow() {
  const v = view.value;
  const p = phase.value;
  if (!v || !p || v.status !== 'running') return null;
  const timer = v.timer;
  const left = timer ? remainingMs(timer, nowTick.value) : null;
  const paused = timer !== null && timer.pausedAt !== null;
  const over = left !== null && left <= 0;
  const writing = can('post_card') || can('set_statement') || can('add_learning') || can('add_action');
  const clockClass = ['compact-clock', over ? 'over' : left !== null && left < 60_000 ? 'low' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class="compact-now" data-testid="compact-now">
      <span class="compact-phase">
        <span class="compact-n">
          {v.phaseIndex + 1}/{v.phases.length}
        </span>{' '}
        {loc(p.name)}
      </span>
      {left !== null && (
        <span class={clockClass} data-testid="compact-timer">
          {over ? '+' : ''}
          {formatClock(left)}
        </span>
      )}
      {paused && <span class="badge warn">{tl().bar.paused}</span>}
      {writing && (
        <button
          type="button"
          class="small primary"
          title={tl().bar.writeLabel}
          onClick={() => {
            const box = document.querySelector<HTMLElement>(
              '[data-compose] :is(textarea, input:not([type=radio], [type=checkbox]))',
            );
            box?.focus();
            box?.scrollIntoView({ block: 'center' });
          }}
        >
          {tl().bar.write}
        </button>
      )}
      <span class="compact-doing">{whatIDoNow().text}</span>
    </div>
  );
}

/** Said loudly, but without moving the page: people must know their clicks are not getting through. */
export function ConnectionBanner() {
  if (link.value === 'online') return null;
  return (
    <div class="banner reconnecting" role="status" aria-live="polite">
      {link.value === 'reconnecting' ? t().room.reconnecting : t().room.connecting}
    </div>
  );
}
