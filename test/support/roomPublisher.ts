import type { RoomPublisher } from '../../server/src/rooms/publisher.js';

/**
 * A publisher that keeps the versions announced to a room (`room:version`, SR-2) and hands patches to
 * `patch`; every other message goes nowhere.
 */
export function announcingPublisher(patch: RoomPublisher['patch'] = () => {}): {
  publisher: RoomPublisher;
  announced: number[];
} {
  const announced: number[] = [];
  const publisher: RoomPublisher = {
    patch,
    patchTo: () => {},
    private: () => {},
    admitted: () => {},
    removed: () => {},
    ended: () => {},
    version: (_code, version) => announced.push(version),
    lost: () => {},
  };
  return { publisher, announced };
}
