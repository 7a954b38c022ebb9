import { t } from '../i18n/index.js';
import { displayCode } from '../state/route.js';
import { roomCode } from '../state/session.js';

/** Shown for the second it takes a reloaded page to get its seat back. */
export function ConnectingScreen() {
  return (
    <>
      <header class="topbar">
        <span class="brand">{t().appName}</span>
        <span class="code-chip">{displayCode(roomCode.value)}</span>
      </header>
      <main id="main" class="page">
        <section class="panel center-card" aria-live="polite">
          <div class="waiting-anim" aria-hidden="true" />
          <p>{t().room.connecting}</p>
        </section>
      </main>
    </>
  );
}
