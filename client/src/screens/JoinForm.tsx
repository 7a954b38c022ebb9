import { TEXT_LIMITS } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { joinRoom } from '../net/connection.js';
import { loadLastName, saveLastName } from '../net/storage.js';
import { roomFacts } from '../state/room.js';
import { displayCode, navigate } from '../state/route.js';
import { joinError, stage } from '../state/session.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';

/** A name, Enter, and you are in. */
export function JoinForm({ code }: { code: string }) {
  const name = useSignal(loadLastName());
  const nameInput = useRef<HTMLInputElement>(null);
  // The page has one purpose, typing a name: put the cursor there (a link opened from the call's chat).
  useEffect(() => nameInput.current?.focus(), []);
  const joining = stage.value === 'joining';
  // A locked room answers the facts request like an unknown one: only the handshake says which it is.
  const error = joinError.value;

  const submit = (e: Event) => {
    e.preventDefault();
    const displayName = name.value.trim();
    if (!displayName) return;
    saveLastName(displayName);
    joinRoom(code, displayName);
  };

  return (
    <>
      <header class="topbar">
        <span class="brand">{t().appName}</span>
        <span class="code-chip">{displayCode(code)}</span>
        <span class="spacer" />
        <LanguageSwitch />
      </header>
      <main id="main" class="page">
        <section class="panel center-card" aria-labelledby="join-heading">
          <h1 id="join-heading">{roomFacts.value?.title || t().join.title}</h1>
          {roomFacts.value && <p class="hint">{t().templates[roomFacts.value.template]}</p>}
          {error === 'room_not_found' ? (
            <>
              <p role="alert">{t().join.unknownRoom}</p>
              <button type="button" onClick={() => navigate('/')}>
                {t().join.backHome}
              </button>
            </>
          ) : (
            <form onSubmit={submit}>
              <div class="field">
                <label for="join-name">{t().join.nameLabel}</label>
                <input
                  id="join-name"
                  name="name"
                  required
                  ref={nameInput}
                  autocomplete="given-name"
                  maxLength={TEXT_LIMITS.displayName}
                  placeholder={t().join.namePlaceholder}
                  value={name.value}
                  onInput={(e) => {
                    name.value = e.currentTarget.value;
                  }}
                />
              </div>
              {error && (
                <p role="alert" class="hint">
                  {t().errors[error]}
                </p>
              )}
              <button type="submit" class="primary" disabled={joining || !name.value.trim()}>
                {joining ? t().join.entering : t().join.enter}
              </button>
            </form>
          )}
        </section>
      </main>
    </>
  );
}
