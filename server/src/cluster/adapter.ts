import { Cluster, type Redis } from 'ioredis';
import {
  Adapter,
  type BroadcastOptions,
  ClusterAdapter,
  type ClusterMessage,
  type ClusterResponse,
  MessageType,
  type Offset,
} from 'socket.io-adapter';
import { EncodedJson, jsonObject } from '../realtime/encodedJson.js';

/** What the adapter of one node has published and received (tests and the bench count these). */
export type FanOutStats = {
  published: number;
  /** Messages of other nodes, decoded and acted on. */
  received: number;
  /** This node's own messages come back on a channel it listens to: dropped by their header, undecoded. */
  echoes: number;
  /** Cercle rooms whose channel this node listens to now. */
  channels: number;
  /** Messages for a room's channel not sent: no other node listened to it (SC-6). */
  skipped: number;
};

/** What the overrides below answer Socket.IO, which does not wait for them. */
const DONE: Promise<void> = Promise.resolve();

/** How long a node that starts listening to a room waits for the other listeners' acks (SC-6). */
export const HELLO_TIMEOUT_MS = 2_000;

/**
 * One Cercle room this node listens to. `alone`: the last publish to its channel reached this node only,
 * and no other node said hello since, so its messages are not sent (SC-6). `hellos` counts the hellos of
 * other nodes received on its channel: a publish's reply switches to `alone` only if none came meanwhile.
 * `subscribed`: Redis acknowledged this node's subscription and has not dropped the connection since: a
 * reply of 1 means "this node only" only then.
 */
type Listening = {
  /** Its holders: the Socket.IO rooms of this Cercle room here, and the logins under way (listenAhead). */
  rooms: number;
  ready: Promise<void>;
  /** `ready` has resolved: a socket joining now need not wait (`addAll`). */
  settled: boolean;
  alone: boolean;
  hellos: number;
  subscribed: boolean;
  /**
   * SC-8: a value (unique in this adapter) renewed whenever a message of another node about this room
   * is heard or the subscription is lost; `acked`: the last hello was acked by every listener it reached.
   */
  heard: number;
  acked: boolean;
};

/** A hello waiting for the acks of the other listeners it reached. */
type PendingHello = { needed: number; acks: number; done: () => void };

export type FanOutChannels = {
  /** The Cercle room a Socket.IO room belongs to; null for rooms of no Cercle room (a socket's own id). */
  codeOf: (room: string) => string | null;
  room: (code: string) => string;
  nodes: () => string;
  node: (uid: string) => string;
};

type Options = {
  pub: Redis | Cluster;
  sub: Redis | Cluster;
  channels: FanOutChannels;
  /** A Redis call or a message failed; `during` says which (publish, subscribe, unsubscribe, decode). */
  onError: (error: unknown, during: string) => void;
  /** A hello timed out before every other listener acked it: counts only (SC-6). */
  onHelloTimeout?: (counts: { expected: number; acked: number }) => void;
  helloTimeoutMs?: number;
};

/**
 * Socket.IO's fan-out between Cercle nodes over Redis sharded pub/sub (SC-1, docs/protocol.md "Several
 * nodes"), built on socket.io-adapter's ClusterAdapter through its public extension points.
 *
 * - One channel per Cercle room (every Socket.IO room of that code: admitted, seats, everyone), which a
 *   node listens to only while it has a socket in one of them. A broadcast, join or disconnection aimed at
 *   one Cercle room goes to that channel: nodes without anyone in the room never receive it.
 * - Requests that need every node's answer (fetchSockets), and what concerns no single room
 *   (serverSideEmit: a removal, the end of a room), go to a channel every node listens to.
 * - Each message is this node's uid (16 bytes) followed by the JSON of the message. A node listening to
 *   a room it publishes to gets its own message back: it compares the first 16 bytes with its own uid and
 *   drops it without decoding.
 * - Joining a socket to its first room of a Cercle room resolves once the subscription is acknowledged
 *   and every other node listening to that room acknowledged the hello (below), so a caller that awaits
 *   `socket.join` and then reads the room misses no broadcast in between.
 * - Alone in a room (SC-6): when a publish to a room's channel reached only this node (SPUBLISH's reply
 *   is 1), the room's next messages are not sent at all, until another node says hello: a node that
 *   starts listening publishes a hello on the room's channel once subscribed; each listener switches
 *   that room back to publishing, then acks on the newcomer's own channel. The newcomer's join resolves
 *   after as many acks as the hello reached other nodes (or HELLO_TIMEOUT_MS). A listener that skipped a
 *   patch did so before it acked, so that version was stored before the newcomer reads the room.
 *
 * Cercle emits JSON only (no binary attachments), so the payload is JSON.
 */
export class CercleAdapter extends ClusterAdapter {
  readonly stats: FanOutStats = { published: 0, received: 0, echoes: 0, channels: 0, skipped: 0 };
  private readonly pub: Redis | Cluster;
  private readonly sub: Redis | Cluster;
  private readonly channels: FanOutChannels;
  private readonly onError: (error: unknown, during: string) => void;
  private readonly header: Buffer;
  private readonly nodesChannel: string;
  private readonly ownChannel: string;
  /** Per Cercle room this node listens to: how many of its Socket.IO rooms exist here, and the subscription. */
  private readonly listening = new Map<string, Listening>();
  private readonly hellos = new Map<number, PendingHello>();
  private helloSeq = 0;
  private readonly onHelloTimeout: (counts: { expected: number; acked: number }) => void;
  private readonly helloTimeoutMs: number;
  private readonly onSharded = (channel: Buffer, message: Buffer) => this.onRaw(channel, message);
  /**
   * The subscriber lost Redis: hellos sent meanwhile were not heard here, so every room publishes again;
   * once back, each room's subscription is confirmed and the other listeners told (nobody waits for it).
   */
  private readonly onSubscriberLost = () => {
    for (const entry of this.listening.values()) {
      entry.subscribed = false;
      entry.alone = false;
      entry.acked = false;
      entry.heard = ++this.heardSeq;
    }
  };
  private readonly onSubscriberBack = () => {
    for (const [code, entry] of this.listening) {
      if (entry.subscribed) continue;
      void this.subscribe(this.channels.room(code)).then(async (ok) => {
        entry.subscribed = ok;
        entry.acked = await this.hello(code, entry);
      });
    }
  };
  /** Renews the rooms' `heard` marks (SC-8). */
  private heardSeq = 0;
  private closed = false;

  constructor(nsp: unknown, options: Options) {
    super(nsp);
    this.pub = options.pub;
    this.sub = options.sub;
    this.channels = options.channels;
    this.onError = options.onError;
    this.onHelloTimeout = options.onHelloTimeout ?? (() => {});
    this.helloTimeoutMs = options.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
    this.header = Buffer.from(this.uid, 'latin1');
    this.nodesChannel = options.channels.nodes();
    this.ownChannel = options.channels.node(this.uid);
    this.sub.on('smessageBuffer', this.onSharded);
    this.sub.on('close', this.onSubscriberLost);
    this.sub.on('ready', this.onSubscriberBack);
    void this.subscribe(this.nodesChannel);
    void this.subscribe(this.ownChannel);
    this.on('create-room', (room: string) => this.roomCreated(room));
    this.on('delete-room', (room: string) => this.roomDeleted(room));
  }

  /** Adds the socket to the rooms; resolves once this node listens to their Cercle rooms' channels. */
  override addAll(id: string, rooms: Set<string>): Promise<void> | void {
    super.addAll(id, rooms);
    // Usually every channel is listened to already (the room's other members came first): nothing to
    // wait for, no promise made (a Promise.all and its array per join otherwise).
    let waits: Promise<void>[] | undefined;
    for (const room of rooms) {
      const code = this.channels.codeOf(room);
      const entry = code === null ? undefined : this.listening.get(code);
      if (!entry || entry.settled) continue;
      if (waits) waits.push(entry.ready);
      else waits = [entry.ready];
    }
    if (waits) return Promise.all(waits).then(() => {});
  }

  // Local first (synchronously: no await in these), then published without waiting: ClusterAdapter waits for Redis before it acts on this
  // node's own sockets, which would put a Redis round trip in front of every local patch and let a
  // command's answer overtake the patch it made. Redis failures are told to onError (see send).
  override broadcast(packet: unknown, opts: BroadcastOptions): Promise<void> {
    // A room this node is alone in (SC-6) is not published: its message is not even made.
    if (!opts.flags?.local) {
      if (this.aloneIn(opts.rooms)) this.stats.skipped++;
      else this.publish({ type: MessageType.BROADCAST, data: { packet, opts: wire(opts) } });
    }
    Adapter.prototype.broadcast.call(this, packet, opts);
    // Socket.IO does not wait for a broadcast: no promise of its own per broadcast.
    return DONE;
  }

  override async addSockets(opts: BroadcastOptions, rooms: string[]): Promise<void> {
    if (!opts.flags?.local)
      this.publish({ type: MessageType.SOCKETS_JOIN, data: { opts: wire(opts), rooms } });
    Adapter.prototype.addSockets.call(this, opts, rooms);
  }

  override async delSockets(opts: BroadcastOptions, rooms: string[]): Promise<void> {
    if (!opts.flags?.local)
      this.publish({ type: MessageType.SOCKETS_LEAVE, data: { opts: wire(opts), rooms } });
    Adapter.prototype.delSockets.call(this, opts, rooms);
  }

  override async disconnectSockets(opts: BroadcastOptions, close: boolean): Promise<void> {
    if (!opts.flags?.local)
      this.publish({ type: MessageType.DISCONNECT_SOCKETS, data: { opts: wire(opts), close } });
    Adapter.prototype.disconnectSockets.call(this, opts, close);
  }

  /**
   * SC-8: a mark of what this node hears of room `code`'s channel. Null unless this node listens to it,
   * subscribed, with its hello acked by every other listener: then every message another node publishes
   * about the room reaches this node. Otherwise a value that changes whenever such a message is heard
   * (or the subscription is lost): two equal marks say no other node's broadcast about the room was
   * heard in between.
   */
  quietMark(code: string): number | null {
    const entry = this.listening.get(code);
    return entry?.subscribed && entry.acked && !this.closed ? entry.heard : null;
  }

  /** Once closed, only this node's sockets: no other node would hear the question any more. */
  override async fetchSockets(opts: BroadcastOptions): Promise<unknown[]> {
    if (this.closed) return Adapter.prototype.fetchSockets.call(this, opts);
    return super.fetchSockets(opts);
  }

  /**
   * Every node listening to the nodes' channel (fetchSockets waits for that many answers, minus one).
   * A shard channel's subscribers are counted by the primary owning its slot only: on a cluster every
   * primary is asked and the owner's count (the largest) kept.
   */
  override async serverCount(): Promise<number> {
    const asked = this.pub instanceof Cluster ? this.pub.nodes('master') : [this.pub];
    const replies = await Promise.all(
      asked.map(
        (client) => client.call('PUBSUB', 'SHARDNUMSUB', this.nodesChannel) as Promise<[string, number]>,
      ),
    );
    return Math.max(1, ...replies.map((reply) => Number(reply[1])));
  }

  override close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sub.off('smessageBuffer', this.onSharded);
    this.sub.off('close', this.onSubscriberLost);
    this.sub.off('ready', this.onSubscriberBack);
    const channels = [this.nodesChannel, this.ownChannel];
    for (const code of this.listening.keys()) channels.push(this.channels.room(code));
    this.listening.clear();
    for (const channel of channels) this.sub.sunsubscribe(channel).catch(() => {});
  }

  protected override doPublish(message: ClusterMessage): Promise<Offset> {
    const { channel, code } = this.channelOf(message);
    const entry = code === null ? undefined : this.listening.get(code);
    if (code === null || entry === undefined) return this.send(channel, message).then(() => '');
    if (entry.alone) {
      this.stats.skipped++;
      return Promise.resolve('');
    }
    return this.sendToRoom(code, entry, channel, message).then(() => '');
  }

  protected override doPublishResponse(requesterUid: string, response: ClusterResponse): Promise<void> {
    return this.send(this.channels.node(requesterUid), response).then(() => {});
  }

  /** A message about one Cercle room goes to that room's channel; requests and the rest to every node. */
  private channelOf(message: ClusterMessage): { channel: string; code: string | null } {
    const everyNode = { channel: this.nodesChannel, code: null } as const;
    switch (message.type) {
      case MessageType.BROADCAST:
        if (message.data.requestId !== undefined) return everyNode;
        return this.roomChannel(message.data.opts.rooms) ?? everyNode;
      case MessageType.SOCKETS_JOIN:
      case MessageType.SOCKETS_LEAVE:
      case MessageType.DISCONNECT_SOCKETS:
        return this.roomChannel(message.data.opts.rooms) ?? everyNode;
      default:
        return everyNode;
    }
  }

  /** Whether these rooms are of one Cercle room this node is alone in (SC-6): nothing to publish. */
  private aloneIn(rooms: Iterable<string>): boolean {
    const code = this.codeOfRooms(rooms);
    return code !== null && this.listening.get(code)?.alone === true;
  }

  /** The one Cercle room all these Socket.IO rooms belong to, and its channel; null when none or several. */
  private roomChannel(rooms: Iterable<string>): { channel: string; code: string } | null {
    const code = this.codeOfRooms(rooms);
    return code === null ? null : { channel: this.channels.room(code), code };
  }

  /** The one Cercle room all these Socket.IO rooms belong to; null when none or several. */
  private codeOfRooms(rooms: Iterable<string>): string | null {
    let code: string | null = null;
    for (const room of rooms) {
      const own = this.channels.codeOf(room);
      if (own === null || (code !== null && own !== code)) return null;
      code = own;
    }
    return code;
  }

  /**
   * Publishes to the channel of a room this node listens to; a reply of 1 (this node only) with no hello
   * received since the publish was sent makes the room `alone`. Replies and hellos come on two
   * connections, in no guaranteed order between them: the hello counter tells whether one came between.
   */
  private async sendToRoom(code: string, entry: Listening, channel: string, message: Sent): Promise<number> {
    const hellos = entry.hellos;
    const subscribed = entry.subscribed;
    const reached = await this.send(channel, message);
    const still =
      subscribed && entry.subscribed && entry.hellos === hellos && this.listening.get(code) === entry;
    if (reached === 1 && still) entry.alone = true;
    return reached;
  }

  /** Publishes; resolves with the number of subscribers reached (0 when not sent or failed). */
  private async send(channel: string, message: Sent): Promise<number> {
    // Closing: the sockets' last disconnections still ask the other nodes (fetchSockets) after the
    // connections are gone; nothing to tell them any more.
    if (this.closed) return 0;
    this.stats.published++;
    const json = typeof message.type === 'string' ? JSON.stringify(message) : clusterMessageJson(message);
    const payload = Buffer.concat([this.header, Buffer.from(json)]);
    try {
      return Number(await this.pub.spublish(channel, payload));
    } catch (error) {
      // Redis down: the broadcast is lost; clients catch up with room:sync (their patches carry versions).
      this.onError(error, 'publish');
      return 0;
    }
  }

  /**
   * Once subscribed to a room's channel: tells the other listeners, and waits for their acks (or the
   * timeout). After its ack a listener publishes everything for that room, and what it skipped before was
   * stored before the ack was sent, so the caller's read of the room sees it.
   */
  private async hello(code: string, entry: Listening): Promise<boolean> {
    if (this.closed || this.listening.get(code) !== entry) return false;
    const seq = ++this.helloSeq;
    let done = () => {};
    const acked = new Promise<void>((resolve) => {
      done = resolve;
    });
    const pending: PendingHello = { needed: Number.POSITIVE_INFINITY, acks: 0, done };
    this.hellos.set(seq, pending);
    const reached = await this.sendToRoom(code, entry, this.channels.room(code), { type: 'hello', seq });
    pending.needed = reached - 1;
    if (pending.acks >= pending.needed) {
      this.hellos.delete(seq);
      return reached > 0; // 0: not sent (Redis away), nobody heard it
    }
    // A listener that never acks has stalled (a closed connection is no longer counted by Redis): wait
    // a bounded time, then go on; a client that still misses a patch sees the gap and asks room:sync.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.helloTimeoutMs);
      timer.unref();
    });
    const late = await Promise.race([acked.then(() => false), timedOut]);
    clearTimeout(timer);
    this.hellos.delete(seq);
    if (late) this.onHelloTimeout({ expected: pending.needed, acked: pending.acks });
    return !late;
  }

  private onAck(seq: number) {
    const pending = this.hellos.get(seq);
    if (!pending) return;
    pending.acks++;
    if (pending.acks >= pending.needed) pending.done();
  }

  private onRaw(channelBuffer: Buffer, raw: Buffer) {
    if (
      raw.length >= this.header.length &&
      raw.compare(this.header, 0, this.header.length, 0, this.header.length) === 0
    ) {
      this.stats.echoes++;
      return;
    }
    const channel = channelBuffer.toString();
    const isResponse = channel === this.ownChannel;
    const code = isResponse || channel === this.nodesChannel ? null : this.roomHeard(channel);
    // A hello is answered even on a channel this node just stopped listening to: Redis counted it.
    if (!isResponse && channel !== this.nodesChannel && code === null && !isHello(raw, this.header.length))
      return;
    let message: ClusterMessage | ClusterResponse | Control;
    try {
      message = JSON.parse(raw.subarray(this.header.length).toString()) as
        | ClusterMessage
        | ClusterResponse
        | Control;
    } catch (error) {
      this.onError(error, 'decode');
      return;
    }
    this.stats.received++;
    const heard = code === null ? undefined : this.listening.get(code);
    if (heard) heard.heard = ++this.heardSeq; // SC-8
    if (message.type === 'hello') {
      const entry = code === null ? undefined : this.listening.get(code);
      if (entry) {
        entry.alone = false;
        entry.hellos++;
      }
      const requester = raw.subarray(0, this.header.length).toString('latin1');
      void this.send(this.channels.node(requester), { type: 'ack', seq: message.seq });
    } else if (message.type === 'ack') {
      if (isResponse) this.onAck(message.seq);
    } else if (isResponse) this.onResponse(message as ClusterResponse);
    else this.onMessage(message as ClusterMessage);
  }

  /** Every adapter of this process shares the subscriber: a room channel is ours only while we listen to it. */
  private roomHeard(channel: string): string | null {
    const marker = channel.lastIndexOf(':');
    const code = channel.slice(marker + 1);
    return this.listening.has(code) && this.channels.room(code) === channel ? code : null;
  }

  private roomCreated(room: string) {
    const code = this.channels.codeOf(room);
    if (code !== null) this.hold(code);
  }

  private roomDeleted(room: string) {
    const code = this.channels.codeOf(room);
    if (code !== null) this.drop(code);
  }

  /**
   * SC-8: a first login to room `code` is under way on this node: its channel is listened to from now,
   * as if one of its sockets were here already, so that the subscription and the hello overlap the
   * login's own round trips and are done before its seat is stored (then the welcome needs no read of
   * the room's version). `release` once the login's socket joined its rooms (they hold the channel
   * from then on) or the login failed; a channel nobody holds any more is left as usual.
   */
  listenAhead(code: string): { ready: Promise<void>; release: () => void } {
    const entry = this.hold(code);
    if (!entry) return { ready: DONE, release: () => {} };
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      this.drop(code);
    };
    return { ready: entry.ready, release };
  }

  /** One more holder of room `code`'s channel (a Socket.IO room of it, or a login under way). */
  private hold(code: string): Listening | undefined {
    if (this.closed) return undefined;
    const known = this.listening.get(code);
    if (known) {
      known.rooms++;
      return known;
    }
    const entry: Listening = {
      rooms: 1,
      ready: Promise.resolve(),
      settled: false,
      alone: false,
      hellos: 0,
      subscribed: false,
      heard: ++this.heardSeq,
      acked: false,
    };
    entry.ready = this.subscribe(this.channels.room(code)).then(async (ok) => {
      entry.subscribed = ok;
      entry.acked = await this.hello(code, entry);
      entry.settled = true;
    });
    this.listening.set(code, entry);
    this.stats.channels = this.listening.size;
    return entry;
  }

  /** One holder of room `code`'s channel fewer: the last one gone, the channel is left. */
  private drop(code: string) {
    const entry = this.listening.get(code);
    if (!entry) return;
    entry.rooms--;
    if (entry.rooms > 0) return;
    this.listening.delete(code);
    this.stats.channels = this.listening.size;
    this.sub
      .sunsubscribe(this.channels.room(code))
      .catch((error: unknown) => this.onError(error, 'unsubscribe'));
  }

  /** Resolves (true) once Redis acknowledged the subscription, or (false) failed it (told to onError, not thrown). */
  private subscribe(channel: string): Promise<boolean> {
    return this.sub.ssubscribe(channel).then(
      () => true,
      (error: unknown) => {
        this.onError(error, 'subscribe');
        return false;
      },
    );
  }
}

/**
 * `JSON.stringify(message)`, but a broadcast whose arguments were encoded once already (an EncodedJson:
 * a patch, realtime/publisher.ts) has their text spliced in, not encoded a second time (SC-5). The
 * receiving node parses the same JSON either way.
 */
export function clusterMessageJson(message: ClusterMessage | ClusterResponse): string {
  if (message.type !== MessageType.BROADCAST || !('packet' in message.data)) return JSON.stringify(message);
  const packet = message.data.packet as { data?: unknown };
  const args = packet.data;
  if (!Array.isArray(args) || !args.some((arg) => arg instanceof EncodedJson)) return JSON.stringify(message);
  const data = args.map((arg) => (arg instanceof EncodedJson ? arg.text : (JSON.stringify(arg) ?? 'null')));
  return jsonObject({
    ...message,
    data: jsonObject({
      ...message.data,
      packet: jsonObject({ ...packet, data: new EncodedJson(`[${data.join(',')}]`) }),
    }),
  }).text;
}

/** Cercle's own messages between adapters (SC-6): a hello on a room's channel, its ack on the sender's. */
type Control = { type: 'hello'; seq: number } | { type: 'ack'; seq: number };
type Sent = ClusterMessage | ClusterResponse | Control;

const helloStart = Buffer.from('{"type":"hello"');

/** Whether the message after the header is a hello (looked at without decoding the rest). */
function isHello(raw: Buffer, at: number): boolean {
  return (
    raw.length >= at + helloStart.length &&
    raw.compare(helloStart, 0, helloStart.length, at, at + helloStart.length) === 0
  );
}

/** BroadcastOptions as ClusterAdapter's messages carry them (sets as arrays). */
function wire(opts: BroadcastOptions) {
  return { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags ?? {} };
}

type Visit = (socket: { id: string }) => void;
type Apply = (this: Adapter, opts: BroadcastOptions, callback: Visit) => void;
type AdapterInside = { rooms: Map<string, Set<string>>; nsp: { sockets: Map<string, { id: string }> } };

/** Socket.IO's own `apply` (private in its types): what every call but a one-room one uses. */
const libraryApply = (Adapter.prototype as unknown as { apply?: Apply }).apply;
if (typeof libraryApply !== 'function') throw new Error('socket.io-adapter: Adapter.prototype.apply is gone');

/**
 * The sockets of this node one call acts on (a broadcast's local part, socketsJoin, fetchSockets, ...),
 * when it names one room: each patch of a room to its people, but the senders answered by their
 * acknowledgement (SC-7). The library's `apply` makes two sets per call, the excepted sockets and the
 * sockets visited (so that a socket in several rooms is visited once), and fills the second with every
 * socket it visits. One room's own set visits each of its sockets once: the same sockets, in the same
 * order (no callback of the library's puts a visited socket back in the room it visits), and a single
 * except room's set is read as it is (a visited socket is never in it, so nothing the call does to the
 * visited sockets changes it). Every other call is the library's. 1,135-1,369 -> 684-841 ns per patch
 * to 7 sockets of a room of 8 (250 such rooms, one process, the options' sets included).
 */
export const oneRoomApply: Apply = function (this: Adapter, opts, callback) {
  const { rooms, except } = opts;
  if (rooms.size !== 1 || (except !== undefined && except.size > 1))
    return libraryApply.call(this, opts, callback);
  const inside = this as unknown as AdapterInside;
  let skip: Set<string> | undefined;
  if (except !== undefined) for (const room of except) skip = inside.rooms.get(room);
  for (const room of rooms) {
    const ids = inside.rooms.get(room);
    if (ids === undefined) return;
    for (const id of ids) {
      if (skip?.has(id)) continue;
      const socket = inside.nsp.sockets.get(id);
      if (socket) callback(socket);
    }
  }
};
Object.defineProperty(CercleAdapter.prototype, 'apply', {
  value: oneRoomApply,
  writable: true,
  configurable: true,
});
