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
};

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
 * - Joining a socket to its first room of a Cercle room resolves once the subscription is acknowledged,
 *   so a caller that awaits `socket.join` and then reads the room misses no broadcast in between.
 *
 * Cercle emits JSON only (no binary attachments), so the payload is JSON.
 */
export class CercleAdapter extends ClusterAdapter {
  readonly stats: FanOutStats = { published: 0, received: 0, echoes: 0, channels: 0 };
  private readonly pub: Redis | Cluster;
  private readonly sub: Redis | Cluster;
  private readonly channels: FanOutChannels;
  private readonly onError: (error: unknown, during: string) => void;
  private readonly header: Buffer;
  private readonly nodesChannel: string;
  private readonly ownChannel: string;
  /** Per Cercle room this node listens to: how many of its Socket.IO rooms exist here, and the subscription. */
  private readonly listening = new Map<string, { rooms: number; ready: Promise<void> }>();
  private readonly onSharded = (channel: Buffer, message: Buffer) => this.onRaw(channel, message);
  private closed = false;

  constructor(nsp: unknown, options: Options) {
    super(nsp);
    this.pub = options.pub;
    this.sub = options.sub;
    this.channels = options.channels;
    this.onError = options.onError;
    this.header = Buffer.from(this.uid, 'latin1');
    this.nodesChannel = options.channels.nodes();
    this.ownChannel = options.channels.node(this.uid);
    this.sub.on('smessageBuffer', this.onSharded);
    void this.subscribe(this.nodesChannel);
    void this.subscribe(this.ownChannel);
    this.on('create-room', (room: string) => this.roomCreated(room));
    this.on('delete-room', (room: string) => this.roomDeleted(room));
  }

  /** Adds the socket to the rooms; resolves once this node listens to their Cercle rooms' channels. */
  override addAll(id: string, rooms: Set<string>): Promise<void> | void {
    super.addAll(id, rooms);
    const waits: Promise<void>[] = [];
    for (const room of rooms) {
      const code = this.channels.codeOf(room);
      const entry = code === null ? undefined : this.listening.get(code);
      if (entry) waits.push(entry.ready);
    }
    if (waits.length > 0) return Promise.all(waits).then(() => {});
  }

  // Local first (synchronously: no await in these), then published without waiting: ClusterAdapter waits for Redis before it acts on this
  // node's own sockets, which would put a Redis round trip in front of every local patch and let a
  // command's answer overtake the patch it made. Redis failures are told to onError (see send).
  override async broadcast(packet: unknown, opts: BroadcastOptions): Promise<void> {
    if (!opts.flags?.local) this.publish({ type: MessageType.BROADCAST, data: { packet, opts: wire(opts) } });
    Adapter.prototype.broadcast.call(this, packet, opts);
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
    const channels = [this.nodesChannel, this.ownChannel];
    for (const code of this.listening.keys()) channels.push(this.channels.room(code));
    this.listening.clear();
    for (const channel of channels) this.sub.sunsubscribe(channel).catch(() => {});
  }

  protected override doPublish(message: ClusterMessage): Promise<Offset> {
    return this.send(this.channelOf(message), message).then(() => '');
  }

  protected override doPublishResponse(requesterUid: string, response: ClusterResponse): Promise<void> {
    return this.send(this.channels.node(requesterUid), response);
  }

  /** A message about one Cercle room goes to that room's channel; requests and the rest to every node. */
  private channelOf(message: ClusterMessage): string {
    switch (message.type) {
      case MessageType.BROADCAST:
        if (message.data.requestId !== undefined) return this.nodesChannel;
        return this.roomChannel(message.data.opts.rooms) ?? this.nodesChannel;
      case MessageType.SOCKETS_JOIN:
      case MessageType.SOCKETS_LEAVE:
      case MessageType.DISCONNECT_SOCKETS:
        return this.roomChannel(message.data.opts.rooms) ?? this.nodesChannel;
      default:
        return this.nodesChannel;
    }
  }

  /** The one Cercle room all these Socket.IO rooms belong to, as a channel; null when none or several. */
  private roomChannel(rooms: string[]): string | null {
    let code: string | null = null;
    for (const room of rooms) {
      const own = this.channels.codeOf(room);
      if (own === null || (code !== null && own !== code)) return null;
      code = own;
    }
    return code === null ? null : this.channels.room(code);
  }

  private async send(channel: string, message: ClusterMessage | ClusterResponse): Promise<void> {
    // Closing: the sockets' last disconnections still ask the other nodes (fetchSockets) after the
    // connections are gone; nothing to tell them any more.
    if (this.closed) return;
    this.stats.published++;
    const payload = Buffer.concat([this.header, Buffer.from(clusterMessageJson(message))]);
    try {
      await this.pub.spublish(channel, payload);
    } catch (error) {
      // Redis down: the broadcast is lost; clients catch up with room:sync (their patches carry versions).
      this.onError(error, 'publish');
    }
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
    if (!isResponse && channel !== this.nodesChannel && !this.isRoomChannelHeard(channel)) return;
    let message: ClusterMessage | ClusterResponse;
    try {
      message = JSON.parse(raw.subarray(this.header.length).toString()) as ClusterMessage | ClusterResponse;
    } catch (error) {
      this.onError(error, 'decode');
      return;
    }
    this.stats.received++;
    if (isResponse) this.onResponse(message as ClusterResponse);
    else this.onMessage(message as ClusterMessage);
  }

  /** Every adapter of this process shares the subscriber: a room channel is ours only while we listen to it. */
  private isRoomChannelHeard(channel: string): boolean {
    const marker = channel.lastIndexOf(':');
    const code = channel.slice(marker + 1);
    return this.listening.has(code) && this.channels.room(code) === channel;
  }

  private roomCreated(room: string) {
    const code = this.channels.codeOf(room);
    if (code === null || this.closed) return;
    const entry = this.listening.get(code);
    if (entry) {
      entry.rooms++;
      return;
    }
    this.listening.set(code, { rooms: 1, ready: this.subscribe(this.channels.room(code)) });
    this.stats.channels = this.listening.size;
  }

  private roomDeleted(room: string) {
    const code = this.channels.codeOf(room);
    if (code === null) return;
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

  /** Resolves once Redis acknowledged the subscription, or failed it (told to onError, not thrown). */
  private subscribe(channel: string): Promise<void> {
    return this.sub.ssubscribe(channel).then(
      () => {},
      (error: unknown) => this.onError(error, 'subscribe'),
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

/** BroadcastOptions as ClusterAdapter's messages carry them (sets as arrays). */
function wire(opts: BroadcastOptions) {
  return { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags ?? {} };
}
