import type { IncomingHttpHeaders } from 'node:http';

export type OriginPolicy = {
  /** PUBLIC_URL, when set: the only "own" origin. Otherwise the Host header names it. */
  publicUrl: string | undefined;
  /** ALLOWED_ORIGINS. */
  allowed: readonly string[];
  /** TRUST_PROXY: X-Forwarded-Host names the host the browser used. */
  trustProxy: boolean;
};

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Whether a handshake may open a live connection. Browsers always send `Origin` on a WebSocket
 * handshake, so a page of another site is refused here. A handshake with no `Origin` comes from a
 * program, not from a page a participant visits: it cannot act in someone's name (it has no token but
 * its own) and is allowed; joining is throttled for it as for everyone.
 */
export function isOriginAllowed(headers: IncomingHttpHeaders, policy: OriginPolicy): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const given = originOf(origin);
  if (!given) return false;
  if (policy.allowed.some((a) => originOf(a) === given)) return true;
  if (policy.publicUrl) return originOf(policy.publicUrl) === given;
  const forwarded = policy.trustProxy ? headers['x-forwarded-host'] : undefined;
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded?.split(',')[0]?.trim()) ?? headers.host;
  if (!host) return false;
  // Same host and port; the scheme may differ behind a TLS-terminating proxy.
  return new URL(given).host === host.toLowerCase();
}
