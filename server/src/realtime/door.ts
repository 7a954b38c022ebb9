import type { IncomingMessage } from 'node:http';
import { clientAddress, type TrustFunction } from '../http/clientAddress.js';

/** The part of an engine.io socket the door uses (the raw connection under a Socket.IO socket). */
type RawConnection = {
  request: IncomingMessage;
  close(): void;
  on(event: 'close', listener: (this: RawConnection) => void): unknown;
};

/** The part of the engine.io server the door listens to. */
type Engine = { on(event: 'connection', listener: (raw: RawConnection) => void): unknown };

export type DoorOptions = {
  /** MAX_CONNECTIONS_PER_IP: raw connections one address may hold on this node. */
  maxPerAddress: number;
  /** LOGIN_TIMEOUT_MS: a connection that has not logged in to a room by then is closed. */
  loginTimeoutMs: number;
  trust: TrustFunction;
  /** Told of each connection refused at the door (metrics, refusal summary). */
  refused?: () => void;
};

/**
 * HT-4: connections are counted at the door, before any Socket.IO login: every WebSocket an address
 * holds counts, logged in or not. The upgrade is refused once the address holds its cap; a connection
 * that does not log in within the timeout is closed; a closed connection (login refused, handshake
 * aborted, tab closed) frees its slot whatever state it was in, since the count follows the raw socket.
 */
export class ConnectionDoor {
  private readonly held = new Map<string, number>();
  private readonly waitingLogin = new WeakMap<object, NodeJS.Timeout>();

  constructor(private readonly options: DoorOptions) {}

  /** engine.io's `allowRequest`: checked before the WebSocket upgrade, so nothing is held for a refusal. */
  readonly allowRequest = (
    req: IncomingMessage,
    callback: (error: string | null | undefined, success: boolean) => void,
  ): void => {
    const address = clientAddress(req, this.options.trust);
    if ((this.held.get(address) ?? 0) < this.options.maxPerAddress) {
      callback(null, true);
      return;
    }
    this.options.refused?.();
    callback('too_many_connections', false);
  };

  /** Counts every raw connection the engine opens (upgrades racing past allowRequest are closed here). */
  attach(engine: Engine): void {
    engine.on('connection', (raw) => {
      const address = clientAddress(raw.request, this.options.trust);
      const held = this.held.get(address) ?? 0;
      if (held >= this.options.maxPerAddress) {
        this.options.refused?.();
        raw.close();
        return;
      }
      this.held.set(address, held + 1);
      const timer = setTimeout(() => {
        raw.close();
      }, this.options.loginTimeoutMs);
      timer.unref();
      this.waitingLogin.set(raw, timer);
      // The timer is looked up, not held: once logged in, it is dropped with its closure (no memory
      // kept per connection for a timeout that can no longer fire). The close listener is one function
      // for every connection (a connection closes once): no closure per connection held for its life.
      raw.on('close', this.onClose);
    });
  }

  /** A raw connection closed, whatever state it was in: its slot is freed (`this` is the connection). */
  private readonly onClose = (() => {
    const door = this;
    return function (this: RawConnection) {
      clearTimeout(door.waitingLogin.get(this));
      // The same address as at the door: the request and the trust do not change.
      const address = clientAddress(this.request, door.options.trust);
      const n = (door.held.get(address) ?? 1) - 1;
      if (n <= 0) door.held.delete(address);
      else door.held.set(address, n);
    };
  })();

  /** The connection logged in to a room: it may stay. */
  loggedIn(raw: object): void {
    clearTimeout(this.waitingLogin.get(raw));
    this.waitingLogin.delete(raw);
  }

  /** Raw connections `address` holds on this node (tests, health). */
  holding(address: string): number {
    return this.held.get(address) ?? 0;
  }
}
