import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import { CircleService } from './circles/service.js';
import type { CircleStore } from './circles/store.js';
import { type ClusterSeam, clusterSeam, type FanOut } from './cluster/seam.js';
import type { Config } from './config.js';
import { AddressLimits } from './http/addressLimits.js';
import { circlesApi } from './http/circles.js';
import { trustFunction } from './http/clientAddress.js';
import { httpErrorCode } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { roomsApi } from './http/rooms.js';
import { staticClient } from './http/staticClient.js';
import { maskPath } from './log.js';
import { debugLogObserver } from './observe/debugLog.js';
import { metricsObserver } from './observe/metrics.js';
import { metricsRoute } from './observe/metricsRoute.js';
import { combineObservers, type Observer, type Observers } from './observe/observer.js';
import { refusalSummaryObserver } from './observe/refusalSummary.js';
import { observeStore } from './observe/store.js';
import { observeTransport } from './observe/transport.js';
import type { CercleServer } from './realtime/channels.js';
import { ConnectionDoor } from './realtime/door.js';
import { preEncodingParser } from './realtime/encodedJson.js';
import { socketPublisher } from './realtime/publisher.js';
import { attachRealtime } from './realtime/socketServer.js';
import { wireError } from './rooms/errors.js';
import { type EngineStore, RoomService } from './rooms/roomService.js';
import { RoomWatch } from './rooms/roomWatch.js';
import { StoreUnavailableError } from './store/interface.js';
import { TimerPoller } from './store/timers.js';

export type AppDeps = {
  config: Config;
  store: EngineStore;
  /** Circles (and the circles API) when given; openCircleStore opens the one beside `store`. */
  circles?: CircleStore;
  logger: FastifyBaseLogger;
  /** Single node or several (cluster/seam.ts); by default the one the configuration gives. */
  cluster?: ClusterSeam;
};

export type App = {
  http: FastifyInstance;
  io: CercleServer;
  rooms: RoomService;
  /** The fan-out between nodes; null on a single node. */
  fanOut: FanOut | null;
  /** Raw connections per address on this node (HT-4). */
  door: ConnectionDoor;
  /** What the service and the transport tell (metrics, debug log, refusal summary): for other parts to feed too. */
  observer: Observers;
  /** The listener of /metrics when METRICS_PORT gives it a port of its own (main.ts listens on it). */
  metricsHttp: FastifyInstance | null;
  /** Stops accepting, tells connected people, closes sockets, the HTTP server and the store. */
  close: () => Promise<void>;
};

/** The heartbeat of every connection (SPEC SR-5, docs/protocol.md). */
export const PING_INTERVAL_MS = 4_000;
export const PING_TIMEOUT_MS = 3_000;

const defaultClientDist = fileURLToPath(new URL('../../client/dist/', import.meta.url));

/** Builds the whole server without listening: tests and main.ts both start from here. */
export async function buildApp({
  config,
  store: bareStore,
  circles,
  logger,
  cluster = clusterSeam(config),
}: AppDeps): Promise<App> {
  // The observers of this node: a new one is one file under observe/ and one line here.
  const observers: Observer[] = [debugLogObserver(logger), refusalSummaryObserver(logger)];
  const metrics = config.METRICS_TOKEN ? metricsObserver() : null;
  if (metrics) observers.push(metrics.observer);
  const observer = combineObservers(observers);
  // Store calls are timed only for the metrics: without them the store is used as it is.
  const store = metrics ? observeStore(bareStore, observer) : bareStore;

  const http = Fastify({
    loggerInstance: logger,
    // Fastify's own two lines per request would carry the raw URL (room codes): our onResponse hook logs one.
    logController: new LogController({ disableRequestLogging: true }),
    // HT-1: the same rule as the live transport's (proxy-addr under both).
    trustProxy: trustFunction(config.TRUST_PROXY),
    bodyLimit: 64 * 1024,
  });

  // One line per request, with the route pattern instead of the URL: paths carry room codes.
  http.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        event: 'http',
        method: req.method,
        route: req.routeOptions.url ?? maskPath(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  // HT-7: over plain http (a training room's LAN server) nothing may send the browser to https: no
  // upgrade-insecure-requests; HSTS (and COOP) only when the request came over https or PUBLIC_URL is.
  await http.register(helmet, {
    contentSecurityPolicy: { directives: pageDirectives(config) },
    hsts: false,
    // Browsers ignore it on an http origin other than localhost, with a console error: https only.
    crossOriginOpenerPolicy: false,
  });
  const alwaysHttps = config.PUBLIC_URL?.startsWith('https:') ?? false;
  http.addHook('onRequest', async (req, reply) => {
    if (alwaysHttps || req.protocol === 'https') {
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
      reply.header('cross-origin-opener-policy', 'same-origin');
    }
  });

  // HT-6: every refusal has its own code and is logged at info (a client's doing, not a fault);
  // a store failure is answered as such; only what is left is an error, with no detail from inside.
  http.setErrorHandler((error: Error, req, reply) => {
    const unavailable = error instanceof StoreUnavailableError;
    const status = unavailable ? 503 : ((error as { statusCode?: number }).statusCode ?? 500);
    const code = unavailable ? 'store_unavailable' : httpErrorCode(status);
    if (unavailable) req.log.warn({ event: 'http_refused', status, error: code }, 'store unavailable');
    else if (status < 500) req.log.info({ event: 'http_refused', status, error: code }, 'request refused');
    else req.log.error({ event: 'http_error', error: error.name }, 'request failed');
    return reply.code(status).send({ error: wireError(code) });
  });
  http.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: wireError('not_found') }));

  const rooms = new RoomService({
    store,
    logger,
    observer,
    storeTimeoutMs: config.STORE_TIMEOUT_MS,
    seatGraceMs: config.SEAT_GRACE_SECONDS * 1000,
  });

  // Declared before the routes that read it: started once the realtime layer is attached (below).
  let watch: RoomWatch | null = null;
  await http.register(healthRoutes, { store, storeLost: () => watch?.storeLost ?? false });
  // /metrics only with a token; on the main port unless METRICS_PORT gives it its own listener.
  let metricsHttp: FastifyInstance | null = null;
  if (metrics && config.METRICS_TOKEN) {
    const options = { registry: metrics.registry, token: config.METRICS_TOKEN };
    if (config.METRICS_PORT === undefined) await http.register(metricsRoute, options);
    else {
      metricsHttp = Fastify({
        loggerInstance: logger,
        logController: new LogController({ disableRequestLogging: true }),
      });
      await metricsHttp.register(metricsRoute, options);
    }
  }
  // HT-2: per-address limits for the whole deployment (in Redis when there is one).
  const limitsRedis = cluster.limitsClient();
  limitsRedis?.on('error', () => {}); // the limits fall back to memory meanwhile (addressLimits.ts)
  const limits = new AddressLimits(
    {
      joinsPerMinute: config.JOIN_RATE_PER_IP,
      failuresPerMinute: config.JOIN_FAILURES_PER_IP,
      apiPerMinute: config.ROOMS_API_RATE,
      removalBarSeconds: config.REMOVAL_BAR_SECONDS,
    },
    limitsRedis,
  );
  await http.register(roomsApi, { service: rooms, publicUrl: config.PUBLIC_URL, limits });
  const circleService = circles ? new CircleService({ circles, rooms: store, logger }) : null;
  if (circleService) {
    await http.register(circlesApi, {
      service: circleService,
      publicUrl: config.PUBLIC_URL,
      limits,
    });
  }
  await http.register(staticClient, { root: config.CLIENT_DIST ?? defaultClientDist });

  // HT-4: raw connections counted per address before any login, refused at the upgrade beyond the cap.
  const door = new ConnectionDoor({
    maxPerAddress: config.MAX_CONNECTIONS_PER_IP,
    loginTimeoutMs: config.LOGIN_TIMEOUT_MS,
    trust: trustFunction(config.TRUST_PROXY),
    refused: () => observer.handshake('too_many_connections'),
  });
  const io: CercleServer = new SocketServer(http.server, {
    allowRequest: door.allowRequest,
    transports: ['websocket'],
    serveClient: false,
    // HT-8: snapshots go out as the JSON text made once per room version (realtime/encodedJson.ts).
    parser: preEncodingParser,
    // SR-5: a ping every 4 s, answered within 3 s: a client whose node froze or vanished gives up on it
    // within 7 s and reconnects (to another node behind the proxy), instead of Socket.IO's 45 s.
    pingInterval: PING_INTERVAL_MS,
    pingTimeout: PING_TIMEOUT_MS,
    // Well above the application's own text limits, well below Socket.IO's 1 MB default.
    maxHttpBufferSize: 64 * 1024,
  });

  // Several nodes: broadcasts reach the nodes that have someone in the room (cluster/seam.ts).
  const fanOut = await cluster.fanOut(io, logger);

  door.attach(io.engine as unknown as Parameters<ConnectionDoor['attach']>[0]);
  rooms.publisher = socketPublisher(io, {
    multiNode: fanOut !== null,
    // RM-10: the addresses a removed seat was connected from may not join that room by name for a while.
    removedFrom: (code, addresses) => {
      if (config.REMOVAL_BAR_SECONDS === 0) return;
      for (const address of addresses) void limits.bar(code, address);
    },
  });
  const realtime = attachRealtime({ io, service: rooms, config, logger, observer, limits, door });
  observeTransport(io, observer, circles ? (code) => circles.circleOfRoom(code) : undefined);

  watch = new RoomWatch({
    store,
    localRooms: () => localRoomCodes(io),
    publisher: () => rooms.publisher,
    toldHere: (code) => rooms.toldVersion(code),
    forgetTold: (local) => rooms.forgetToldBut(local),
    writingHere: (code) => rooms.writingHere(code),
    logger: logger.child({ component: 'rooms' }),
  });
  watch.start();

  const timers = new TimerPoller(store, {
    intervalMs: config.TIMER_POLL_MS,
    onError: (error) =>
      logger.warn({ event: 'timer_error', error: error instanceof Error ? error.name : 'unknown' }, 'timer'),
  });
  timers.start((due) => rooms.fireTimer(due.code, due.timerId, due.at));

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      realtime.stop();
      await watch?.stop();
      await timers.stop();
      // This node's people only: the others stay connected to their nodes.
      io.local.emit('server:shutdown', {});
      io.local.disconnectSockets(true);
      // Their aways (RM-7) and the commands in flight end before the store closes, within half the
      // shutdown's time; told to the room's people on other nodes, since the fan-out is still open.
      await realtime.settle(config.SHUTDOWN_TIMEOUT_MS / 2);
      rooms.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await http.close();
      await metricsHttp?.close();
      observer.close();
      await fanOut?.close();
      await limits.close();
      limitsRedis?.disconnect();
      circleService?.stop();
      await circles?.close();
      await store.close();
    })();
    return closing;
  };

  return { http, io, rooms, fanOut, door, observer, metricsHttp, close };
}

/** The codes of the rooms with a socket on this node (their everyone-channels, `all:{code}`). */
function localRoomCodes(io: CercleServer): string[] {
  const codes: string[] = [];
  for (const channel of io.of('/').adapter.rooms.keys()) {
    if (channel.startsWith('all:')) codes.push(channel.slice(4));
  }
  return codes;
}

/**
 * The page is a Vite build: its own scripts and styles only, live connection to this origin (ws/wss
 * spelled out for browsers whose 'self' does not cover WebSocket), images from itself or data: URLs.
 */
function pageDirectives(config: Config) {
  const fixed = config.PUBLIC_URL ? new URL(config.PUBLIC_URL) : null;
  const socketOrigin = (req: { headers: { host?: string | undefined } }) => {
    const host = fixed?.host ?? req.headers.host ?? 'localhost';
    const secure = fixed ? fixed.protocol === 'https:' : false;
    return `${secure ? 'wss' : 'ws'}://${host} wss://${host}`;
  };
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", socketOrigin],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    // A deployment may show the page in a video call's side panel (FRAME_ANCESTORS).
    frameAncestors: config.FRAME_ANCESTORS,
    upgradeInsecureRequests: null,
    formAction: ["'self'"],
  };
}
