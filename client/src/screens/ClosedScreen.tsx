import { t } from '../i18n/index.js';
import { leaveRoom } from '../net/connection.js';
import { navigate } from '../state/route.js';
import { endReason, joinError } from '../state/session.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';

/** The seat or the room is gone: say why in words, and offer a way on. */
export function ClosedScreen({ gone = false }: { gone?: boolean }) {
  const texts = t();
  const reason = gone ? 'purged' : endReason.value;
  const [title, message] =
    reason === 'purged'
      ? [texts.join.goneTitle, texts.join.goneText]
      : reason === 'removed'
        ? [texts.join.removedTitle, texts.join.closedRemoved]
        : reason === 'lost'
          ? [texts.join.lostTitle, texts.join.lostText]
          : reason === 'ended' || !joinError.value
            ? [texts.room.ended, texts.join.closedEnded]
            : // A refused reconnection says why in its own words: it never claims the session ended.
              [texts.join.unreachableTitle, texts.errors[joinError.value]];
  return (
    <>
      <header class="topbar">
        <span class="brand">{texts.appName}</span>
        <span class="spacer" />
        <LanguageSwitch />
      </header>
      <main id="main" class="page">
        <section class="panel center-card" data-testid="closed" data-reason={reason ?? 'error'}>
          <h1>{title}</h1>
          <p role="status">{message}</p>
          <button
            type="button"
            onClick={() => {
              leaveRoom();
              navigate('/');
            }}
          >
            {texts.join.backHome}
          </button>
        </section>
      </main>
    </>
  );
}
