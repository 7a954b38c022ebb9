import { type ChildProcess, fork } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * A tiny request/response channel over the IPC pipe of a forked child, so the orchestrator can drive
 * the server and client processes step by step (join, fan-out, posts, ...) and collect their figures.
 */
type Request = { rpc: number; method: string; params: unknown };
type Response = { rpc: number; result?: unknown; error?: string };
type Notice = { notice: string; data: unknown };

export type Handlers = Record<string, (params: never) => unknown>;

/** In the child: answers the parent's calls with the handlers given. */
export function serveRpc(handlers: Handlers): void {
  process.on('message', (message: Request) => {
    if (typeof message?.rpc !== 'number') return;
    const handler = handlers[message.method] as ((params: unknown) => unknown) | undefined;
    const reply = (response: Omit<Response, 'rpc'>) => process.send?.({ rpc: message.rpc, ...response });
    if (!handler) {
      reply({ error: `no method ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.params))
      .then(
        (result) => reply({ result }),
        (error: unknown) =>
          reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  // The parent going away ends the child: a bench never leaves processes behind.
  process.on('disconnect', () => process.exit(0));
}

/** In the child: a one-way message to the parent (progress, readiness). */
export function notify(notice: string, data: unknown = null): void {
  process.send?.({ notice, data } satisfies Notice);
}

export const tsxExecArgv = ['--conditions=source', '--import', 'tsx'];

export class RpcChild {
  readonly child: ChildProcess;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, (data: unknown) => void>();
  private exitError: Error | null = null;

  constructor(
    readonly name: string,
    modulePath: string,
    options: { execArgv?: string[]; env?: NodeJS.ProcessEnv; logFile?: string } = {},
  ) {
    // `--server-log DIR`: every line the child writes, stamped with the time it was read (ms since the
    // epoch), and the bench's scenario marks (`mark`): V8's --trace-gc-nvp lines, for instance.
    this.log = options.logFile ? createWriteStream(options.logFile) : null;
    this.child = fork(modulePath, [], {
      execArgv: [...tsxExecArgv, ...(options.execArgv ?? [])],
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    // The children's own output (the server's log lines) is kept off the bench's stdout: counted by
    // event, and its tail shown if the child dies.
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.keep(line);
      });
    }
    this.child.on('message', (message: Response | Notice) => {
      if ('notice' in message) {
        this.listeners.get(message.notice)?.(message.data);
        return;
      }
      const waiting = this.pending.get(message.rpc);
      if (!waiting) return;
      this.pending.delete(message.rpc);
      if (message.error !== undefined) waiting.reject(new Error(`${this.name}.${message.error}`));
      else waiting.resolve(message.result);
    });
    this.child.on('exit', (code, signal) => {
      this.exitError = new Error(`${this.name} exited (${signal ?? code}):\n${this.tail.join('\n')}`);
      for (const waiting of this.pending.values()) waiting.reject(this.exitError);
      this.pending.clear();
    });
  }

  /** Log lines of the child by their `event` field (or 'other'), and the last lines it wrote. */
  readonly logEvents: Record<string, number> = {};
  readonly tail: string[] = [];

  private readonly log: WriteStream | null;

  /** A line of the bench's own in the child's log (`--server-log`): where a scenario starts and ends. */
  mark(text: string): void {
    this.log?.write(`${Date.now()} MARK ${text}\n`);
  }

  private keep(line: string): void {
    if (!line.trim()) return;
    this.log?.write(`${Date.now()} ${line}\n`);
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
    let event = 'other';
    try {
      const parsed = JSON.parse(line) as { event?: unknown; during?: unknown; reason?: unknown };
      if (typeof parsed.event === 'string') event = parsed.event;
      // Where a failure happened (the adapter's `during`, the store's `reason`): fixed strings, no content.
      const where = [parsed.during, parsed.reason].filter((w) => typeof w === 'string');
      if (where.length) event += ` (${where.join(', ')})`;
    } catch {}
    this.logEvents[event] = (this.logEvents[event] ?? 0) + 1;
  }

  on(notice: string, listener: (data: unknown) => void): void {
    this.listeners.set(notice, listener);
  }

  /** Resolves once the child sent the notice (for example 'ready'). */
  once<T>(notice: string, timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name}: no '${notice}' in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code}) before '${notice}'`));
      });
      this.listeners.set(notice, (data) => {
        clearTimeout(timer);
        resolve(data as T);
      });
    });
  }

  call<T>(method: string, params: unknown = null): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);
    const rpc = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(rpc, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ rpc, method, params } satisfies Request);
    });
  }

  /** Asks the child to leave (its 'disconnect' handler exits), then kills it if it lingers. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
