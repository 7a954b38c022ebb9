import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustProxy, trustFunction } from '../../server/src/http/clientAddress.js';

/** A request as proxy-addr reads it: the peer's address and the headers. */
const request = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    connection: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe("the client's address", () => {
  const cases = [
    request('127.0.0.1'),
    request('203.0.113.9', '198.51.100.1'),
    request('::ffff:10.0.0.2', '198.51.100.1, 192.0.2.7'),
    request('10.0.0.2', 'not an address, 192.0.2.7'),
  ];

  it("[HT-1] trusting nobody, it is the peer whatever X-Forwarded-For says: proxy-addr's own answer", () => {
    const trust = trustFunction(parseTrustProxy(''));
    for (const req of cases) {
      expect(clientAddress(req, trust)).toBe(proxyAddr(req, trust));
      expect(clientAddress(req, trust)).toBe(req.socket.remoteAddress);
    }
  });

  it('[HT-1] trusting one hop or a list, it is the nearest address no trusted proxy added', () => {
    for (const setting of ['1', '10.0.0.0/8, ::ffff:10.0.0.0/104']) {
      const trust = trustFunction(parseTrustProxy(setting));
      for (const req of cases) expect(clientAddress(req, trust)).toBe(proxyAddr(req, trust));
    }
    expect(clientAddress(cases[1]!, trustFunction(parseTrustProxy('1')))).toBe('198.51.100.1');
  });
});
