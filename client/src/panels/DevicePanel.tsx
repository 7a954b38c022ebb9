import { useSignal } from '@preact/signals';
import { tl } from '../i18n/live.js';
import { currentRoomSecret } from '../logbook/keys.js';
import { deviceLink, loadSeat } from '../net/storage.js';
import { logbookHidden } from '../state/privacy.js';
import { roomCode, stage } from '../state/session.js';
import { CopyButton } from '../ui/CopyButton.js';
import { Icon } from '../ui/Icon.js';
import { QrCode } from '../ui/QrCode.js';

/**
 * "Open on another device" (SPEC PG-2): my own link, with my seat's resume token and logbook secret in its
 * fragment, as a link to copy and a QR code to scan. The other device takes the same seat (same person,
 * same role) and opens the same logbook. Folded by default, and not drawn while the logbook is hidden
 * (a shared screen must not show a link that is a seat).
 */
export function DevicePanel() {
  const open = useSignal(false);
  const code = roomCode.value;
  const seat = loadSeat(code);
  if (!seat || stage.value !== 'in_room' || logbookHidden(code)) return null;
  const link = open.value
    ? deviceLink(window.location.origin, code, seat.resumeToken, currentRoomSecret(code))
    : '';
  return (
    <details
      class="panel device no-print"
      data-testid="device-link"
      open={open.value}
      onToggle={(e) => (open.value = (e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        <Icon name="lock" /> {tl().device.open}
      </summary>
      {open.value && (
        <div class="share">
          <div>
            <p class="hint">{tl().device.hint}</p>
            <div class="row">
              <input
                class="grow"
                readOnly
                value={link}
                aria-label={tl().device.link}
                data-testid="device-url"
                onFocus={(e) => e.currentTarget.select()}
              />
              <CopyButton text={link} label={tl().device.copy} visible={tl().device.copy} />
            </div>
          </div>
          <QrCode text={link} label={tl().device.qr} size={140} />
        </div>
      )}
    </details>
  );
}
