import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * TRUST_PROXY parsed: a number of proxy hops in front of the server, or the proxies' addresses and
 * ranges (proxy-addr's syntax: IPs, CIDRs, `loopback`, `linklocal`, `uniquelocal`); undefined: nobody
 * is trusted, the connection's own peer is the client.
 */
export type TrustProxy = { kind: 'hops'; hops: number } | { kind: 'list'; list: string[] } | undefined;

/** Whether the proxy at `address`, `hop` steps from the server, may tell the client's address. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * One rule for HTTP and WebSocket: Fastify is given this function as its `trustProxy`, and the live
 * transport asks proxy-addr with the same one, so both name the same client (HT-1).
 */
/** TRUST_PROXY unset: no proxy may tell the client's address. */
const trustNobody: TrustFunction = () => false;

export function trustFunction(setting: TrustProxy): TrustFunction {
  switch (setting?.kind) {
    case undefined:
      return trustNobody;
    case 'hops':
      return (_address, hop) => hop < setting.hops;
    case 'list':
      return proxyAddr.compile(setting.list);
  }
}

/**
 * The client's address: the nearest one in X-Forwarded-For that no trusted proxy added. Trusting
 * nobody, that is the connection's peer, proxy-addr's own answer then, read without parsing the
 * header (a connection's address is asked three times before its login: door, upgrade, handshake).
 */
export function clientAddress(req: IncomingMessage, trust: TrustFunction): string {
  if (trust === trustNobody) return req.socket.remoteAddress as string;
  return proxyAddr(req, trust);
}

/** Parses TRUST_PROXY; throws with a message for the configuration error. */
export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim();
  if (text === '' || text === 'false' || text === '0') return undefined;
  if (/^\d+$/.test(text)) return { kind: 'hops', hops: Number(text) };
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // proxy-addr throws on anything that is not an address, a range or one of its names.
  proxyAddr.compile(list);
  return { kind: 'list', list };
}
