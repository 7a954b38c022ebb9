import { Writable } from 'node:stream';
import { createLogger } from '../../server/src/log.js';

/** The server's logger with nothing written anywhere: for services built in a test's own process. */
export function silentLogger() {
  return createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() }));
}
