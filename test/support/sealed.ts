import { logbookKey, openNote, sealNote } from '../../client/src/logbook/crypto.js';

/**
 * Logbook entries in tests (SPEC LG-5). `sealedOf` makes a well-formed sealed entry whose bytes spell the
 * label: for rules that look at shapes, ids and owners only (the engine never opens an entry). `seal` and
 * `open` are the page's own Web Crypto code (client/src/logbook/crypto.ts), run in Node.
 */
export function sealedOf(label: string): string {
  return `c1.${Buffer.from(label.padEnd(29, '.')).toString('base64url')}`;
}

export async function seal(secret: string, text: string): Promise<string> {
  return sealNote(await logbookKey(secret), text);
}

export async function open(secrets: string[], sealed: string): Promise<string | null> {
  return openNote(await Promise.all(secrets.map(logbookKey)), sealed);
}
