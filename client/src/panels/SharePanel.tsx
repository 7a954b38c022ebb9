import { t } from '../i18n/index.js';
import { loadFacilitatorKey } from '../net/storage.js';
import { displayCode, facilitatorUrl, joinUrl } from '../state/route.js';
import { roomCode, view } from '../state/session.js';
import { CopyButton } from '../ui/CopyButton.js';
import { Icon } from '../ui/Icon.js';
import { QrCode } from '../ui/QrCode.js';

/** The invitation: code, link, QR code; and, for the facilitator alone, their private link. */
export function SharePanel({ showKey }: { showKey: boolean }) {
  const code = roomCode.value;
  const link = joinUrl(code);
  const key = showKey ? loadFacilitatorKey(code) : null;
  const keyRole = view.value?.template.keyRole ?? null;
  return (
    <section class="panel" aria-labelledby="share-title">
      <h2 id="share-title">{t().share.title}</h2>
      <div class="share">
        <div>
          <div class="field">
            <span class="hint">{t().share.code}</span>
            <div class="row">
              <span class="big-code" data-testid="room-code">
                {displayCode(code)}
              </span>
              <CopyButton text={code} label={t().share.copyCode} />
            </div>
          </div>
          <div class="field">
            <span class="hint">{t().share.link}</span>
            <div class="row">
              <span class="link grow" data-testid="join-link">
                {link}
              </span>
              <CopyButton text={link} label={t().share.copyLink} />
            </div>
          </div>
          {key && (
            <div class="private-box">
              <strong>
                <Icon name="lock" /> {t().share.facilitatorLink(keyRole ? t().roles[keyRole] : '')}
              </strong>
              <p class="hint">{t().share.facilitatorLinkHint}</p>
              <CopyButton
                text={facilitatorUrl(code, key)}
                label={t().share.copyFacilitatorLink}
                visible={t().share.copyFacilitatorLink}
              />
            </div>
          )}
        </div>
        <QrCode text={link} label={t().share.qr(displayCode(code))} />
      </div>
    </section>
  );
}
