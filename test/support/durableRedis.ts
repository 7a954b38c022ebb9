import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redisServer.js';

/**
 * A throwaway redis-server that writes every command to its append-only file before answering
 * (`appendfsync always`), so a SIGKILL loses nothing that was acknowledged: after `restart()` the
 * rooms are back. For the outage test, where "acknowledged means stored" is the point.
 */
export type DurableRedis = {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  /** SIGKILL: a crash; what was acknowledged is in the append-only file. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data. */
  restart(): Promise<void>;
  /** SIGSTOP: Redis keeps its connections open but answers nothing (a hung server, not a dead one). */
  freeze(): void;
  thaw(): void;
};

export async function startDurableRedis(): Promise<DurableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cercle-durable-redis-'));
  let child: ChildProcess | null = null;

  const answers = () =>
    new Promise<boolean>((resolve) => {
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

  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    child = spawn('redis-server', [...args, '--appendonly', 'yes', '--appendfsync', 'always'], {
      stdio: 'ignore',
    });
    const proc = child;
    process.once('exit', () => proc.kill('SIGKILL'));
    for (let i = 0; i < 500; i++) {
      if (await answers()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('durable redis-server did not start');
  };

  const end = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    await gone;
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
    freeze: () => {
      child?.kill('SIGSTOP');
    },
    thaw: () => {
      child?.kill('SIGCONT');
    },
    restart: async () => {
      await end('SIGKILL');
      await launch();
    },
  };
}
