import { signal } from '@preact/signals';

/**
 * The logbook hidden on this screen (a facilitator sharing their screen with the group): one click,
 * remembered per room in this browser, never sent anywhere.
 */
const hiddenKey = (code: string) => `cercle.logbook-hidden.${code}`;

const hiddenRooms = signal<Record<string, boolean>>({});

export function logbookHidden(code: string): boolean {
  if (Object.hasOwn(hiddenRooms.value, code)) return hiddenRooms.value[code] === true;
  try {
    return window.localStorage.getItem(hiddenKey(code)) === '1';
  } catch {
    return false;
  }
}

export function setLogbookHidden(code: string, hidden: boolean): void {
  hiddenRooms.value = { ...hiddenRooms.value, [code]: hidden };
  try {
    if (hidden) window.localStorage.setItem(hiddenKey(code), '1');
    else window.localStorage.removeItem(hiddenKey(code));
  } catch {
    // kept for this page
  }
}
