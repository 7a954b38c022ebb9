import { createHash, randomBytes, randomInt } from 'node:crypto';
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

/** Participant ids are public inside a room; 72 random bits keep them unguessable across rooms. */
export function newParticipantId(): string {
  return `p_${randomBytes(9).toString('base64url')}`;
}

/** What the room keeps of a secret: its sha-256, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
