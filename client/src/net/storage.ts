/**
 * What a browser keeps per room so a reload puts the person back in the same seat: the resume token
 * (localStorage, so a second tab or a restart of the browser finds it too) and the facilitator key
 * (taken from the URL fragment, never sent in a query string, never logged by a server).
 */
const seatKey = (code: string) => `cercle.seat.${code}`;

export type StoredSeat = { resumeToken: string; participantId: string; name: string };

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // private mode or storage disabled: the seat is kept for this page only
  }
}

export function loadSeat(code: string): StoredSeat | null {
  const raw = safeStorage()?.getItem(seatKey(code)) ?? sessionStorage.getItem(seatKey(code));
  if (!raw) return null;
  try {
    const seat = JSON.parse(raw) as StoredSeat;
    return typeof seat.resumeToken === 'string' ? seat : null;
  } catch {
    return null;
  }
}

export function saveSeat(code: string, seat: StoredSeat): void {
  const raw = JSON.stringify(seat);
  try {
    sessionStorage.setItem(seatKey(code), raw);
    safeStorage()?.setItem(seatKey(code), raw);
  } catch {
    // storage full or blocked: the person keeps their seat until the page is closed
  }
}

export function forgetSeat(code: string): void {
  try {
    sessionStorage.removeItem(seatKey(code));
    safeStorage()?.removeItem(seatKey(code));
  } catch {
    // nothing to forget
  }
}

/** Reads `#key=...` from the facilitator link, then removes it from the address bar. */
export function takeFacilitatorKeyFromHash(): string | null {
  const match = /(?:^|[#&])key=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return null;
  history.replaceState(null, '', window.location.pathname);
  return decodeURIComponent(match[1]);
}

const keyKey = (code: string) => `cercle.key.${code}`;

export function saveFacilitatorKey(code: string, key: string): void {
  try {
    safeStorage()?.setItem(keyKey(code), key);
  } catch {
    // ignore
  }
}

export function loadFacilitatorKey(code: string): string | null {
  return safeStorage()?.getItem(keyKey(code)) ?? null;
}

const nameKey = 'cercle.name';
export const loadLastName = (): string => safeStorage()?.getItem(nameKey) ?? '';
export function saveLastName(name: string): void {
  try {
    safeStorage()?.setItem(nameKey, name);
  } catch {
    // ignore
  }
}

/**
 * A room this browser saw ended and erased: a reload of its page then says the room no longer exists,
 * rather than asking for a name (the code answers like an unknown one, or a locked one).
 */
const goneKey = (code: string) => `cercle.gone.${code}`;

export function markGone(code: string): void {
  try {
    safeStorage()?.setItem(goneKey(code), String(Date.now()));
  } catch {
    // ignore: the page then asks for a name and the server says the code is unknown
  }
}

export function isGone(code: string): boolean {
  return Boolean(safeStorage()?.getItem(goneKey(code)));
}
