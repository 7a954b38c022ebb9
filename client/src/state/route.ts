import { signal } from '@preact/signals';

/** The places of the page: home, a room by its code (`/r/<code>`), a circle (`/c/<id>`) or a new one (`/c`). */
export type Route =
  | { name: 'home' }
  | { name: 'room'; code: string }
  | { name: 'circle'; circleId: string }
  | { name: 'new-circle' };

function parse(pathname: string): Route {
  if (/^\/c\/?$/.test(pathname)) return { name: 'new-circle' };
  const circle = /^\/c\/(c_[A-Za-z0-9_-]{16,32})\/?$/.exec(pathname);
  if (circle?.[1]) return { name: 'circle', circleId: circle[1] };
  const match = /^\/r\/([A-Za-z0-9-]{1,32})\/?$/.exec(pathname);
  return match?.[1] ? { name: 'room', code: match[1].toUpperCase().replace(/-/g, '') } : { name: 'home' };
}

export const route = signal<Route>(parse(window.location.pathname));

window.addEventListener('popstate', () => {
  route.value = parse(window.location.pathname);
});

export function navigate(path: string): void {
  history.pushState(null, '', path);
  route.value = parse(window.location.pathname);
  window.scrollTo(0, 0);
}

export const roomPath = (code: string): string => `/r/${code}`;
export const joinUrl = (code: string): string => `${window.location.origin}${roomPath(code)}`;
/** The key rides in the fragment: browsers never send it to a server, nor in a Referer. */
export const facilitatorUrl = (code: string, key: string): string =>
  `${joinUrl(code)}#key=${encodeURIComponent(key)}`;

/** Shows a code as people read it aloud: K7M-Q2XP. */
export function displayCode(code: string): string {
  return code.length > 4 ? `${code.slice(0, 3)}-${code.slice(3)}` : code;
}
