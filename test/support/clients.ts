import { randomUUID } from 'node:crypto';
import {
  type ClientToServerEvents,
  type Command,
  type CommandAck,
  type CreateRoomResponse,
  type ErrorCode,
  type HandshakeAuth,
  PatchSequence,
  type PrivateView,
  type RoomPatch,
  type RoomView,
  type ServerToClientEvents,
  type Snapshot,
  TEXTS_VERSION,
  type Welcome,
  withBuiltInTexts,
} from '@cercle/shared';
import { io, type Socket } from 'socket.io-client';

export type CercleClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Auth as a test may send it: also wrong shapes, on purpose. */
export type TestAuth = Partial<HandshakeAuth> | Record<string, unknown>;

export type SocketOptions = { extraHeaders?: Record<string, string>; timeoutMs?: number };

export async function createRoom(
  url: string,
  body: Record<string, unknown> = { template: 'codev' },
): Promise<CreateRoomResponse> {
  const res = await fetch(`${url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}`);
  return (await res.json()) as CreateRoomResponse;
}

export function openSocket(url: string, auth: TestAuth, options: SocketOptions = {}): CercleClientSocket {
  return io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: auth as Record<string, unknown>,
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
  });
}

/** Resolves with the error code of a refused handshake; rejects if the handshake was accepted. */
export function refusedHandshake(
  url: string,
  auth: TestAuth,
  options: SocketOptions = {},
): Promise<ErrorCode> {
  const socket = openSocket(url, auth, options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer to the handshake'));
    }, options.timeoutMs ?? 5_000);
    socket.once('connect_error', (error: Error & { data?: { code?: ErrorCode } }) => {
      clearTimeout(timer);
      socket.close();
      resolve(error.data?.code ?? ('transport' as ErrorCode));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.close();
      reject(new Error('handshake accepted'));
    });
  });
}

/** Waits for one event of a socket, optionally one that matches. */
export function nextEvent<K extends keyof ServerToClientEvents>(
  socket: CercleClientSocket,
  event: K,
  match: (payload: Parameters<ServerToClientEvents[K]>[0]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<Parameters<ServerToClientEvents[K]>[0]> {
  type Payload = Parameters<ServerToClientEvents[K]>[0];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // biome-ignore lint/suspicious/noExplicitAny: Socket.IO's listener typing of a generic event name
      socket.off(event, listener as any);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      // biome-ignore lint/suspicious/noExplicitAny: as above
      socket.off(event, listener as any);
      resolve(payload);
    };
    // biome-ignore lint/suspicious/noExplicitAny: as above
    socket.on(event, listener as any);
  });
}

export function disconnected(socket: CercleClientSocket, timeoutMs = 5_000): Promise<string> {
  if (socket.disconnected && !socket.active) return Promise.resolve('already');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('still connected')), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/**
 * A participant as a page would be: it keeps the view up to date from the snapshot and the patches
 * (patches that come before the welcome are kept and applied after it; a gap asks for `room:sync`).
 */
export class TestParticipant {
  mine: PrivateView | null = null;
  participantId = '';
  resumeToken = '';
  readonly patches: RoomPatch[] = [];
  private readonly sequence = new PatchSequence<RoomView>();
  private syncing: Promise<void> | null = null;

  constructor(
    readonly socket: CercleClientSocket,
    readonly label: string,
  ) {
    socket.on('room:patch', (patch) => this.receivePatch(patch));
    socket.on('me:private', ({ version, mine }) => {
      if (version >= this.version || this.version < 0) this.mine = mine;
    });
    socket.on('session:admitted', ({ snapshot }) => this.takeSnapshot(snapshot));
    // SR-2: the room's stored version, announced by the node; behind it, catch up as the page does.
    socket.on('room:version', ({ version }) => {
      this.announced = Math.max(this.announced, version);
      if (this.version >= 0 && version > this.version) this.sync().catch(() => {});
    });
  }

  /** The highest version a node announced (`room:version`). */
  announced = -1;

  get view(): RoomView | null {
    return this.sequence.view;
  }

  get version(): number {
    return this.sequence.version;
  }

  takeWelcome(welcome: Welcome) {
    this.participantId = welcome.participantId;
    this.resumeToken = welcome.resumeToken;
    this.takeSnapshot(welcome.snapshot);
  }

  takeSnapshot(snapshot: Snapshot) {
    // The built-in texts the snapshot may have left out (SPEC VW-10), put back as a page does.
    if (this.sequence.takeSnapshot(snapshot.version, withBuiltInTexts(snapshot.view)))
      this.mine = snapshot.mine;
  }

  /** A fresh snapshot from the server. */
  sync(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        const ack = await this.socket.timeout(5_000).emitWithAck('room:sync', {});
        if (ack.ok && 'snapshot' in ack) this.takeSnapshot(ack.snapshot);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  /** A patch, from a `room:patch` or from the acknowledgement of one of this participant's commands. */
  private receivePatch(patch: RoomPatch) {
    this.patches.push(patch);
    // A gap once the welcome is in: patches of two nodes can cross; if the missing one does not come
    // the snapshot fills it (the early ones are kept and applied on top).
    if (this.sequence.receive(patch) === 'gap' && this.version >= 0) this.sync().catch(() => {});
  }

  /**
   * Sends a command (fresh id unless given) and resolves with its acknowledgement, once the patch it
   * carries (the write's, which this connection gets there instead of as a `room:patch`) is applied.
   */
  async send(command: Command | Record<string, unknown>, id: string = randomUUID()): Promise<CommandAck> {
    const ack = await this.socket
      .timeout(10_000)
      .emitWithAck('room:command', { id, command: command as Command });
    if (ack.ok && ack.patch) this.receivePatch(ack.patch);
    return ack;
  }

  /** Sends a command that must be accepted; resolves with the new version. */
  async must(command: Command | Record<string, unknown>): Promise<number> {
    const ack = await this.send(command);
    if (!ack.ok) throw new Error(`${this.label}: ${String(command.type)} refused with ${ack.error.code}`);
    return ack.version;
  }

  /** Resolves once this participant's view has reached `version`. */
  async reach(version: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.version < version) {
      if (Date.now() > deadline) throw new Error(`${this.label} stuck at ${this.version}, wanted ${version}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  get seat() {
    return this.view?.participants[this.participantId] ?? null;
  }

  close() {
    this.socket.close();
  }
}

/**
 * Joins (or resumes) and waits for the welcome. Like the page, it says it holds the built-in texts
 * (SPEC VW-10) unless `auth` says otherwise.
 */
export async function join(url: string, auth: TestAuth, label = 'client', options: SocketOptions = {}) {
  const socket = openSocket(url, { texts: TEXTS_VERSION, ...auth }, options);
  const participant = new TestParticipant(socket, label);
  const welcome = await Promise.race([
    nextEvent(socket, 'session:welcome', () => true, options.timeoutMs ?? 5_000),
    new Promise<never>((_, reject) =>
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
        reject(new Error(`${label}: handshake refused with ${error.data?.code ?? error.message}`)),
      ),
    ),
  ]);
  participant.takeWelcome(welcome);
  return participant;
}

/** Every participant has reached the same version and holds the same view. */
export async function converged(participants: TestParticipant[], timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const versions = new Set(participants.map((p) => p.version));
    const views = new Set(participants.map((p) => canonical(p.view)));
    if (versions.size === 1 && views.size === 1) return participants[0]!.version;
    if (Date.now() > deadline) {
      throw new Error(`not converged: versions ${[...versions].join(',')}, ${views.size} distinct views`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** JSON with sorted keys: two views equal in content print the same, whatever order they were built in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
