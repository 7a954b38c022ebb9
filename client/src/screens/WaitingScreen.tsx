import { t } from '../i18n/index.js';
import { displayCode } from '../state/route.js';
import { roomCode } from '../state/session.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';

/** A locked room: the seat is held, nothing of the room is shown until the facilitator admits us. */
export function WaitingScreen() {
  return (
    <>
      <header class="topbar">
        <span class="brand">{t().appName}</span>
        <span class="code-chip">{displayCode(roomCode.value)}</span>
        <span class="spacer" />
        <LanguageSwitch />
      </header>
      <main id="main" class="page">
        <section class="panel center-card" aria-live="polite" aria-labelledby="waiting-heading">
          <div class="waiting-anim" aria-hidden="true" />
          <h1 id="waiting-heading">{t().join.waitingTitle}</h1>
          <p>{t().join.waitingText}</p>
        </section>
      </main>
    </>
  );
}
