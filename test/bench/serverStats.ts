import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What a server child reports between scenarios: memory, CPU time, event-loop delay, its own counters. */
export type ServerSample = {
  rss: number;
  heapUsed: number;
  /** CPU microseconds (user + system) since the process started. */
  cpuMicros: number;
  /** Event-loop delay since the previous sample, in ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  counters: Record<string, number>;
  /** Bytes written to Redis so far by the store's and the adapter's connections (Cercle only). */
  redisBytes: { store: number; adapter: number };
};

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

export function serverRpcHandlers(
  counters: () => Record<string, number>,
  redisBytes: () => { store: number; adapter: number } = () => ({ store: 0, adapter: 0 }),
) {
  return {
    sample: (params: { gc?: boolean } | null): ServerSample => {
      if (params?.gc) collectGarbage();
      const memory = process.memoryUsage();
      const cpu = process.cpuUsage();
      const sample: ServerSample = {
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        cpuMicros: cpu.user + cpu.system,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
        counters: counters(),
        redisBytes: redisBytes(),
      };
      loopDelay.reset();
      return sample;
    },
    /** Current monotonic time, to check that the processes share one clock. */
    clock: (): number => Number(process.hrtime.bigint()) / 1e6,
  };
}
