import { createHash, randomBytes, randomFillSync, randomInt } from 'node:crypto';
import { roomCodeAlphabet, roomCodeLength } from '@cercle/shared';

/** A fresh room code: `roomCodeLength` characters drawn uniformly (crypto) from the look-alike-free alphabet. */
export function newRoomCode(): string {
  let code = '';
  for (let i = 0; i < roomCodeLength; i++) code += roomCodeAlphabet[randomInt(roomCodeAlphabet.length)];
  return code;
}

/** A secret handed to one person (resume token, facilitator key): 192 random bits, base64url. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Random bytes per id: 72 bits, 12 base64url characters (EN-6's pattern). */
const ID_BYTES = 9;
/**
 * Every card, timer and logbook entry takes an id: one call into the system's random source per id
 * was 4% of a busy node's time. The same source fills a pool for 1,024 ids at once; each byte of it is
 * handed out once, so ids are exactly as unpredictable as before.
 */
const idPool = Buffer.alloc(ID_BYTES * 1024);
let idPoolOffset = idPool.length;

/** A fresh id for what the engine creates (card, timer, entry, ...): 72 random bits, base64url. */
export function newId(): string {
  if (idPoolOffset === idPool.length) {
    randomFillSync(idPool);
    idPoolOffset = 0;
  }
  const id = idPool.toString('base64url', idPoolOffset, idPoolOffset + ID_BYTES);
  idPoolOffset += ID_BYTES;
  return id;
}

/** Participant ids are public inside a room; 72 random bits keep them unguessable across rooms. */
export function newParticipantId(): string {
  return `p_${newId()}`;
}

/** What the room keeps of a secret: its sha-256, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
