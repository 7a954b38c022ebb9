import { t } from '../i18n/index.js';
import { leaveRoom } from '../net/connection.js';
import { navigate } from '../state/route.js';
import { endReason, joinError } from '../state/session.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';

/** The seat or the room is gone: say why in words, and offer a way on. */
export function ClosedScreen() {
  const reason = endReason.value;
  const message =
    reason === 'purged'
      ? t().join.closedPurged
      : reason === 'removed'
        ? t().join.closedRemoved
        : reason === 'ended'
          ? t().join.closedEnded
          : joinError.value
            ? t().errors[joinError.value]
            : t().join.closedEnded;
  return (
    <>
      <header class="topbar">
        <span class="brand">{t().appName}</span>
        <span class="spacer" />
        <LanguageSwitch />
      </header>
      <main id="main" class="page">
        <section class="panel center-card">
          <h1>{t().room.ended}</h1>
          <p role="status">{message}</p>
          <button
            type="button"
            onClick={() => {
              leaveRoom();
              navigate('/');
            }}
          >
            {t().join.backHome}
          </button>
        </section>
      </main>
    </>
  );
}
