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

/** Reads one `name=value` of the address's fragment (`#key=...&lk=...`), or null. */
function fromHash(name: string): string | null {
  const match = new RegExp(`(?:^|[#&])${name}=([^&]+)`).exec(window.location.hash);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/**
 * What a link's fragment brings (never sent to a server by the browser): the facilitator key (`key=`),
 * a seat's resume token (`seat=`, the link a person opens on another device). The caller clears the
 * fragment once it has read all it needs (the logbook secret `lk=` too).
 */
export const facilitatorKeyFromHash = (): string | null => fromHash('key');
export const seatTokenFromHash = (): string | null => fromHash('seat');

export function clearHash(): void {
  history.replaceState(null, '', window.location.pathname);
}

/**
 * The link that moves this seat to another device, with its role and its logbook: the resume token, the
 * seat's logbook secret and, for the facilitator, the key, all in the fragment.
 */
export function deviceLink(origin: string, code: string, resumeToken: string, logbookSecret: string): string {
  const key = loadFacilitatorKey(code);
  const parts = [`seat=${encodeURIComponent(resumeToken)}`, `lk=${logbookSecret}`];
  if (key) parts.push(`key=${encodeURIComponent(key)}`);
  return `${origin}/r/${code}#${parts.join('&')}`;
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
