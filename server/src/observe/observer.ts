import type { ErrorCode } from '@cercle/shared';

/** `ok`, or the error code a client was answered: a closed set, so it is safe as a metric label. */
export type Outcome = 'ok' | ErrorCode;

/** A handshake: a seat given (admitted, or waiting for admission), or the code it was refused with. */
export type HandshakeOutcome = 'admitted' | 'waiting' | ErrorCode;

/**
 * What the room service and the transport tell about their work: one call per thing that happened,
 * never a room code, a name or a text. The metrics are one observer, the debug log another
 * (`observe/*.ts`); a new one is one file implementing the methods it needs, added in `app.ts`.
 */
export interface Observer {
  /** A connection was given a seat (after its handshake), or closed. */
  connectionOpened?(): void;
  connectionClosed?(reason: string): void;
  handshake?(outcome: HandshakeOutcome): void;
  /** A first join or a resume, as the room service answered it (before the connection opens). */
  join?(kind: 'join' | 'resume', outcome: Outcome): void;
  /**
   * A command answered: its type (`unparsed` when the payload did not parse), the answer, and the time
   * from receipt to acknowledgement. `participantId` is the server's random id, never a name.
   */
  command?(command: { type: string; outcome: Outcome; ms: number; participantId: string }): void;
  /** One store call returned (`ok: false`: it threw), with its duration. */
  storeCall?(op: string, ms: number, ok: boolean): void;
  /** A caller was answered `store_unavailable`. */
  storeUnavailable?(): void;
  /** A due timer's `time_up` ran: how it was answered, and how long after its deadline it ran. */
  timerFired?(outcome: Outcome, lateMs: number): void;
  /** Rooms with at least one connection on this node. */
  roomsActive?(count: number): void;
  /** Circles with a session room that has a connection on this node. */
  circlesActive?(count: number): void;
  /** The process is stopping: flush what is kept. */
  close?(): void;
}

/** Every method of the observer, each calling every observer given that has it. */
export type Observers = Required<Observer>;

const methods = [
  'connectionOpened',
  'connectionClosed',
  'handshake',
  'join',
  'command',
  'storeCall',
  'storeUnavailable',
  'timerFired',
  'roomsActive',
  'circlesActive',
  'close',
] as const satisfies readonly (keyof Observer)[];

/** One observer made of several: what the service and the transport hold (none given: does nothing). */
export function combineObservers(list: readonly Observer[]): Observers {
  const combined = {} as Record<keyof Observer, (...args: never[]) => void>;
  for (const method of methods) {
    const targets = list.filter((o) => typeof o[method] === 'function');
    combined[method] = (...args: never[]) => {
      for (const target of targets) {
        // An observer's failure never reaches the command it observes.
        try {
          (target[method] as (...a: never[]) => void).apply(target, args);
        } catch {}
      }
    };
  }
  return combined as unknown as Observers;
}

export const noObserver: Observers = combineObservers([]);
