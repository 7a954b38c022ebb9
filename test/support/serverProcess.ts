import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
};

/** A fresh folder for a server process's embedded database (pass it again to restart on the same data). */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'cercle-data-'));
}

/**
 * Runs server/src/main.ts as its own process (as `npm start` would), from the TypeScript sources.
 * Without DATA_DIR in `env`, the embedded database goes to a fresh temporary folder.
 * `preload`: modules loaded first with `--import` (paths from the repository root), e.g. a test's fault.
 */
export function spawnServer(
  env: Record<string, string>,
  options: { preload?: string[] } = {},
): ChildProcess & { output: { out: string; err: string } } {
  const preload = (options.preload ?? []).flatMap((path) => ['--import', `./${path}`]);
  const args = ['--conditions=source', '--import', 'tsx', ...preload, 'server/src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', DATA_DIR: tempDataDir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { out: '', err: '' };
  child.stdout?.on('data', (d) => {
    output.out += String(d);
  });
  child.stderr?.on('data', (d) => {
    output.err += String(d);
  });
  return Object.assign(child, { output });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Starts the server process and waits for its "listening" log line. */
export async function startServerProcess(
  env: Record<string, string> = {},
  options: { preload?: string[] } = {},
): Promise<ServerProcess> {
  const child = spawnServer({ LOG_LEVEL: 'info', ...env }, options);
  const exited = exitOf(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${child.output.err}`)), 20_000);
    const onData = () => {
      for (const line of child.output.out.split('\n')) {
        if (!line.includes('"listening"')) continue;
        const { address } = JSON.parse(line) as { address: string };
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(address);
        return;
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${child.output.err}`)));
  });
  return { child, url, stdout: () => child.output.out, stderr: () => child.output.err, exited };
}
