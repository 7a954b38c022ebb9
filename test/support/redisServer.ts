import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway redis-server for tests: its own port (never 6379), its own temp dir, no persistence.
 * Every instance is SIGKILLed when the test process exits, whatever happened.
 */
export type RedisServer = {
  readonly url: string;
  readonly port: number;
  /** Its working folder (append-only files when `durable`), to look at what reached the disk. */
  readonly dir: string;
  /** Graceful stop (SIGTERM), waits for the process to end: SIGKILL if it has not within 5 s. */
  stop(): Promise<void>;
  /** SIGKILL, waits for the process to end: simulates a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after stop/kill), waits until it answers PING. */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing until `thaw` (SIGCONT). */
  freeze(): void;
  thaw(): void;
};

/** The same, under the name the integration tests use. */
export type RedisServerHandle = RedisServer;

const INSTALL_HINT = 'redis-server not found: install it with `apt-get install -y redis-server`';
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function findRedisBinary(): string {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return 'redis-server';
  } catch {
    throw new Error(INSTALL_HINT);
  }
}

/** A free TCP port on 127.0.0.1, found by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** One PING over a raw socket; resolves true on +PONG. */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(String(data).startsWith('+PONG')));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * `cluster`: a Redis Cluster node (test/support/redisCluster.ts joins them), its cluster state in its folder.
 * `durable`: every command is written to the append-only file before Redis answers
 * (`appendfsync always`), so a SIGKILL loses nothing acknowledged and `restart()` brings the rooms
 * back: for the outage tests, where "acknowledged means stored" is the point.
 */
export async function startRedisServer(
  options: { startTimeoutMs?: number; durable?: boolean; cluster?: boolean } = {},
): Promise<RedisServer> {
  const binary = findRedisBinary();
  installExitHook();
  let port = await freePort();
  // A cluster node also listens on a bus port (by default port + 10,000, which may be taken): a free one.
  let busPort = options.cluster ? await freePort() : 0;
  const dir = mkdtempSync(join(tmpdir(), 'cercle-redis-'));
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let child: ChildProcess | null = null;
  let output = '';

  const launch = async () => {
    mkdirSync(dir, { recursive: true });
    const proc = spawn(
      binary,
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir],
        ...(options.durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
        ...(options.cluster
          ? ['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-node-timeout', '2000']
          : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    live.add(proc);
    proc.stdout?.on('data', (d) => {
      output = (output + String(d)).slice(-4000);
    });
    proc.stderr?.on('data', (d) => {
      output = (output + String(d)).slice(-4000);
    });
    proc.once('exit', () => live.delete(proc));
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) break;
      if (await pingOnce(port)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server did not answer PING on port ${port}: ${output}`);
  };

  const end = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = null;
    if (!proc) return;
    const gone = exited(proc);
    proc.kill(signal);
    if (signal === 'SIGKILL') return gone;
    // A server that does not stop (frozen, or busy writing) is killed: a test's teardown never hangs.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), 5_000);
    });
    if ((await Promise.race([gone, late])) === 'late') {
      proc.kill('SIGKILL');
      await gone;
    }
    clearTimeout(timer);
  };

  // A free port can be taken by another process (a parallel test's connection) between the probe and
  // redis-server's bind: on that refusal alone, two fresh ports and another try.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 5 || !output.includes('Address already in use')) throw error;
      output = '';
      port = await freePort();
      if (options.cluster) busPort = await freePort();
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: async () => {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
    restart: async () => {
      await end('SIGKILL');
      await launch();
    },
    freeze: () => {
      child?.kill('SIGSTOP');
    },
    thaw: () => {
      child?.kill('SIGCONT');
    },
  };
}
