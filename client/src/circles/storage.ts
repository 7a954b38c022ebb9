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
  const match = /(?:^|[#&])k=([A-Za-z0-9_-]{22,128})/.exec(window.location.hash);
  if (!match?.[1]) return loadSecret(circleId);
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

/** The personal link of this browser's secret (the page can show it again with its QR code). */
export const circleLink = (circleId: string, secret: string) =>
  `${window.location.origin}/c/${circleId}#k=${secret}`;
