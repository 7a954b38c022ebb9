import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS } from '../../server/src/app.js';
import { notify, serveRpc } from './rpc.js';
import { serverRpcHandlers } from './serverStats.js';

/**
 * The floor: a bare Socket.IO server with the same transport options as Cercle and no state, no Redis,
 * no validation. A connection joins the Socket.IO room named by `auth.code`; a command is acknowledged
 * and broadcast to that room once, shaped like a Cercle patch. The only state is a version counter per
 * room (so the clients correlate a broadcast with its command exactly as they do against Cercle) and, for
 * a timer command, a plain setTimeout that broadcasts "time is up" at the deadline.
 *
 * With FLOOR_REDIS_URL (`npm run bench -- --baseline-store`) it is the stored floor instead: the least a
 * server must do to acknowledge only what is stored. Each command (and each timer's firing) is one
 * HSET of the room's version and the command's JSON, a timer's deadline one ZADD beside it, sent by
 * Cercle's own Redis client (cluster/connection.ts: the calls of one loop turn in one write, each
 * answered as its reply is read); the broadcast and the acknowledgement wait for Redis's
 * reply. Nothing is read, validated or decided, and the timers still fire from setTimeout: a floor under
 * Cercle's figures, not a model of them.
 */
const http = createServer();
// Cercle's heartbeat too (a ping every 4 s, SPEC SR-5, not Socket.IO's 25 s): idle connections cost both
// servers the same.
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
  pingInterval: PING_INTERVAL_MS,
  pingTimeout: PING_TIMEOUT_MS,
});
const versions = new Map<string, number>();
let accepted = 0;
const floorUrl = process.env.FLOOR_REDIS_URL;
// Cercle's own client for its store: the calls of one loop turn leave in one write (SR-10). Imported
// only for the stored floor: the bare server loads nothing it does not use.
const redis = floorUrl ? await storeClient(floorUrl) : null;
async function storeClient(url: string) {
  const { connectClient, redisClient } = await import('../../server/src/cluster/connection.js');
  const client = redisClient(url, { batchWrites: true });
  await connectClient(client);
  return client;
}
/** Runs `then` once the write is stored; `fail` if it was not. */
function stored(code: string, version: number, json: string, then: () => void, fail: () => void): void {
  redis?.hset(`floor:${code}`, 'version', version, String(version % 64), json).then(then, fail);
}

type Command = { type: string; deadline?: number };
type BenchTimer = { startedAt: number; durationMs: number; pausedTotalMs: number; expiredAt: number | null };

// The patches both servers' paths broadcast, shaped like Cercle's.
/** The bare equivalent of a phase timer: a deadline, then one broadcast when it passes. */
const benchTimer = (deadline: number): BenchTimer => ({
  startedAt: deadline - 60_000,
  durationMs: 60_000,
  pausedTotalMs: 0,
  expiredAt: null,
});
const timerPatch = (from: number, to: number, timer: BenchTimer) => ({
  from,
  to,
  patch: { set: { timer }, del: [] },
  events: [],
});
const firedPatch = (from: number, fired: BenchTimer) => ({
  from,
  to: from + 1,
  patch: { set: { timer: fired }, del: [] },
  events: [{ type: 'time_up' }],
});
const commandPatch = (from: number, to: number, command: Command, actor: string) => ({
  from,
  to,
  patch: { set: { [command.type]: command }, del: [] },
  events: [{ type: command.type, actor }],
});

/** A command of the stored floor: stored, then broadcast and acknowledged. */
function storedCommand(
  code: string,
  participantId: string,
  request: { id: string; command: Command },
  ack?: (a: unknown) => void,
): void {
  const from = versions.get(code) ?? 0;
  const to = from + 1;
  versions.set(code, to);
  const command = request?.command ?? { type: 'unknown' };
  const failed = () => ack?.({ ok: false, error: { code: 'store_unavailable' } });
  if (command.type === 'bench_timer' && typeof command.deadline === 'number') {
    const deadline = command.deadline;
    const timer = benchTimer(deadline);
    void redis?.zadd('floor:timers', deadline, code);
    stored(
      code,
      to,
      JSON.stringify(command),
      () => {
        accepted++;
        io.to(code).emit('room:patch', timerPatch(from, to, timer));
        ack?.({ ok: true, version: to });
      },
      failed,
    );
    setTimeout(() => {
      const f = versions.get(code) ?? 0;
      versions.set(code, f + 1);
      const fired = { ...timer, expiredAt: Date.now() };
      void redis?.zrem('floor:timers', code);
      stored(
        code,
        f + 1,
        JSON.stringify(fired),
        () => io.to(code).emit('room:patch', firedPatch(f, fired)),
        () => {},
      );
    }, deadline - Date.now());
  } else {
    stored(
      code,
      to,
      JSON.stringify(command),
      () => {
        accepted++;
        io.to(code).emit('room:patch', commandPatch(from, to, command, participantId));
        ack?.({ ok: true, version: to });
      },
      failed,
    );
  }
}

io.on('connection', (socket) => {
  const code = String((socket.handshake.auth as { code?: unknown }).code ?? '');
  void socket.join(code);
  const participantId = socket.id;
  socket.emit('session:welcome', {
    participantId,
    resumeToken: participantId,
    serverTime: Date.now(),
    snapshot: { version: versions.get(code) ?? 0, view: { timer: null }, mine: {} },
  });
  if (redis) {
    socket.on('room:command', (request: { id: string; command: Command }, ack?: (a: unknown) => void) =>
      storedCommand(code, participantId, request, ack),
    );
    return;
  }
  socket.on('room:command', (request: { id: string; command: Command }, ack?: (a: unknown) => void) => {
    const from = versions.get(code) ?? 0;
    const to = from + 1;
    versions.set(code, to);
    accepted++;
    const command = request?.command ?? { type: 'unknown' };
    if (command.type === 'bench_timer' && typeof command.deadline === 'number') {
      const deadline = command.deadline;
      const timer = benchTimer(deadline);
      io.to(code).emit('room:patch', timerPatch(from, to, timer));
      setTimeout(() => {
        const f = versions.get(code) ?? 0;
        versions.set(code, f + 1);
        io.to(code).emit('room:patch', firedPatch(f, { ...timer, expiredAt: Date.now() }));
      }, deadline - Date.now());
    } else {
      io.to(code).emit('room:patch', commandPatch(from, to, command, participantId));
    }
    ack?.({ ok: true, version: to });
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  serveRpc(serverRpcHandlers(() => ({ accepted })));
  notify('ready', { url: `http://127.0.0.1:${port}` });
});
