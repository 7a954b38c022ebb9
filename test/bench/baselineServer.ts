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

type Command = { type: string; deadline?: number };

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
  socket.on('room:command', (request: { id: string; command: Command }, ack?: (a: unknown) => void) => {
    const from = versions.get(code) ?? 0;
    const to = from + 1;
    versions.set(code, to);
    accepted++;
    const command = request?.command ?? { type: 'unknown' };
    if (command.type === 'bench_timer' && typeof command.deadline === 'number') {
      // The bare equivalent of a phase timer: a deadline, then one broadcast when it passes.
      const deadline = command.deadline;
      const timer = { startedAt: deadline - 60_000, durationMs: 60_000, pausedTotalMs: 0, expiredAt: null };
      io.to(code).emit('room:patch', { from, to, patch: { set: { timer }, del: [] }, events: [] });
      setTimeout(() => {
        const f = versions.get(code) ?? 0;
        versions.set(code, f + 1);
        const fired = { ...timer, expiredAt: Date.now() };
        io.to(code).emit('room:patch', {
          from: f,
          to: f + 1,
          patch: { set: { timer: fired }, del: [] },
          events: [{ type: 'time_up' }],
        });
      }, deadline - Date.now());
    } else {
      io.to(code).emit('room:patch', {
        from,
        to,
        patch: { set: { [command.type]: command }, del: [] },
        events: [{ type: command.type, actor: participantId }],
      });
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
