import { t } from '../i18n/index.js';
import { roomFacts } from '../screens/RoomPage.js';
import { displayCode } from '../state/route.js';
import { link, pendingCount, roomCode, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';
import { setSound, soundEnabled } from '../ui/sound.js';

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
    </header>
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
