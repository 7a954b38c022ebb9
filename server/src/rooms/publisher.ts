import type { Admitted, MePrivate, RoomPatch } from '@cercle/shared';

/**
 * How the room service reaches people, whatever node they are connected to. The realtime layer
 * implements it over Socket.IO (and its Redis adapter); the service never sees a socket.
 */
export interface RoomPublisher {
  /**
   * To every admitted participant of the room but the connections in `except` (the senders of the
   * commands it tells, who get it in their acknowledgement). Returns the message as sent (encoded once),
   * for those acknowledgements.
   */
  patch(code: string, message: RoomPatch, except: readonly string[]): RoomPatch | undefined;
  /** To one connection of this node: a sender whose acknowledgement could not carry its patch. */
  patchTo(connection: string, message: RoomPatch): void;
  /** To one participant only (their own data). */
  private(code: string, participantId: string, message: MePrivate): void;
  /** To a participant who was waiting: they now receive the room's broadcasts too. */
  admitted(code: string, participantId: string, message: Admitted): void;
  /** The seat was taken away: tell its sockets and close them. */
  removed(code: string, participantId: string): void;
  /** The room is over (ended, or purged): tell every socket of the room and close them. */
  ended(code: string, reason: 'purged'): void;
  /** This node's people of the room: its latest stored version (SR-2). */
  version(code: string, version: number): void;
  /** This node's people of the room: its data vanished from the store (SR-3); close their sockets. */
  lost(code: string): void;
}

/** Until the realtime layer is attached (and in HTTP-only tests), nobody is told anything. */
export const silentPublisher: RoomPublisher = {
  patch: () => {},
  patchTo: () => {},
  private: () => {},
  admitted: () => {},
  removed: () => {},
  ended: () => {},
  version: () => {},
  lost: () => {},
};
