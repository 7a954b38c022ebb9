import { newLogbookSecret } from '../logbook/crypto.js';
import { adoptCircleSecret, circleSecrets, logbookSecretFromHash } from '../logbook/keys.js';

/**
 * A circle's secret as this browser keeps it: the facilitator key or the member's link secret, read
 * once from the link's fragment (`#k=...`, never sent to a server by the browser) and then kept in
 * localStorage so the page opens the circle again without the link.
 */
const key = (circleId: string) => `cercle.circle.${circleId}`;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function takeSecretFromHash(circleId: string): string | null {
  // The logbook secret (`lk=`, LG-7) is kept in this browser's ring before the fragment is cleared.
  const logbookSecret = logbookSecretFromHash();
  if (logbookSecret) adoptCircleSecret(circleId, logbookSecret);
  const match = /(?:^|[#&])k=([A-Za-z0-9_-]{22,128})/.exec(window.location.hash);
  if (!match?.[1]) {
    if (logbookSecret) history.replaceState(null, '', window.location.pathname);
    return loadSecret(circleId);
  }
  history.replaceState(null, '', window.location.pathname);
  saveSecret(circleId, match[1]);
  return match[1];
}

export function loadSecret(circleId: string): string | null {
  return storage()?.getItem(key(circleId)) ?? null;
}

export function saveSecret(circleId: string, secret: string): void {
  try {
    storage()?.setItem(key(circleId), secret);
  } catch {
    // storage blocked: the link works again next time
  }
}

export function forgetSecret(circleId: string): void {
  try {
    storage()?.removeItem(key(circleId));
  } catch {
    // nothing to forget
  }
}

/**
 * The personal link of this browser's secret (the page can show it again with its QR code); a member's
 * carries their logbook secret too (`&lk=`, LG-7), which no server ever receives.
 */
export const circleLink = (circleId: string, secret: string, logbookSecret?: string | null) =>
  `${window.location.origin}/c/${circleId}#k=${secret}${logbookSecret ? `&lk=${logbookSecret}` : ''}`;

/** A member's current logbook secret for the circle; one is made here if this browser has none yet. */
export function memberLogbookSecret(circleId: string): string {
  const current = circleSecrets(circleId).at(-1);
  if (current) return current;
  const fresh = newLogbookSecret();
  adoptCircleSecret(circleId, fresh);
  return fresh;
}
