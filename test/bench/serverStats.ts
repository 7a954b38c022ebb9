import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';

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

/**
 * The memory figure's sample (Method, 5): medians over a few samples, each after two forced collections.
 * `rss` is the process's anonymous resident memory (its heaps, not the code mapped from files) less the
 * young generation's committed pages (`young`, given beside it): V8 grows the young generation under allocation pressure and keeps it grown after a
 * collection, so whether it grew between two samples (up to 32 MB on Node 20, a few KB per person)
 * said more about what the process did just before a sample than about what it holds per person.
 */
export type MemorySample = {
  rss: number;
  heapUsed: number;
  young: number;
  /** V8's committed heap less the young generation, and the memory outside V8's heap it knows of. */
  heapCommitted: number;
  external: number;
  /** Resident pages mapped from files (code): left out of `rss`. */
  fileBacked: number;
  samples: number;
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

/**
 * Resident bytes: anonymous and file-backed (`/proc/self/status` on Linux; elsewhere all of RSS counts
 * as anonymous). File-backed pages are the node binary's and libraries' code, mapped as they are first
 * run and shared with every process running them: the figure leaves them out.
 */
function residentBytes(rss: number): { anon: number; file: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const anon = kb('RssAnon');
    const file = kb('RssFile');
    if (Number.isFinite(anon) && Number.isFinite(file)) return { anon: anon * 1024, file: file * 1024 };
  } catch {
    // not Linux
  }
  return { anon: rss, file: 0 };
}

/** Committed bytes of the young generation (the semi-spaces and its large objects). */
function youngGenerationBytes(): number {
  let bytes = 0;
  for (const space of getHeapSpaceStatistics())
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
      bytes += space.physical_space_size;
  return bytes;
}

/**
 * Fills the young generation with short-lived garbage, three times its capacity, so that every page it
 * has committed is resident when sampled: V8 commits semi-space pages as it grows them and the kernel
 * makes them resident only when first written, so without this the resident part of the young
 * generation (subtracted from RSS) is not its committed size, and the figure went negative when it had
 * just grown. Short-lived garbage does not make V8 grow it (it grows on what survives).
 */
// Kept in a module variable, so that the compiler cannot prove the arrays unused and skip them.
export let youngSink: unknown = null;
function touchYoungGeneration(): void {
  let capacity = 0;
  for (const space of getHeapSpaceStatistics())
    if (space.space_name === 'new_space') capacity = space.space_size;
  for (let bytes = 0; bytes < 3 * capacity; bytes += 512) youngSink = new Array(100).fill(bytes);
  youngSink = null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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
    /**
     * `samples` memory samples 100 ms apart, each after the young generation is made resident and two
     * forced collections: their medians.
     */
    memory: async (params: { samples?: number } | null): Promise<MemorySample> => {
      const samples = Math.max(1, params?.samples ?? 5);
      const rss: number[] = [];
      const heapUsed: number[] = [];
      const young: number[] = [];
      const heapCommitted: number[] = [];
      const external: number[] = [];
      const fileBacked: number[] = [];
      for (let i = 0; i < samples; i++) {
        if (i > 0) await sleep(100);
        touchYoungGeneration();
        collectGarbage();
        const memory = process.memoryUsage();
        const youngBytes = youngGenerationBytes();
        const resident = residentBytes(memory.rss);
        rss.push(resident.anon - youngBytes);
        fileBacked.push(resident.file);
        heapUsed.push(memory.heapUsed);
        young.push(youngBytes);
        heapCommitted.push(memory.heapTotal - youngBytes);
        external.push(memory.external);
      }
      return {
        rss: median(rss),
        heapUsed: median(heapUsed),
        young: median(young),
        heapCommitted: median(heapCommitted),
        external: median(external),
        fileBacked: median(fileBacked),
        samples,
      };
    },
    /**
     * `--survivors DIR` (survivors.ts reads the file): V8's sampling heap profiler runs from `afterMs` on,
     * and a profile is taken right after each of the next `scavenges` young-generation collections. A
     * sample in one profile allocated after the previous profile's last one survived that scavenge;
     * allocated in the interval before, it was promoted by it. The sampling slows the server: a run with
     * it tells what survives, not how fast.
     */
    survivors: async (params: {
      file: string;
      afterMs: number;
      scavenges: number;
      /** From the call: no later than this, with whatever profiles were taken (a light load may not scavenge). */
      withinMs: number;
    }): Promise<number> => {
      const deadline = Date.now() + params.withinMs;
      await sleep(params.afterMs);
      const session = new Session();
      session.connect();
      const nextScavenge = () =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(
            () => {
              observer.disconnect();
              resolve(false);
            },
            Math.max(0, deadline - Date.now()),
          );
          const observer = new PerformanceObserver((list) => {
            const kinds = list.getEntries().map((e) => (e as { detail?: { kind?: number } }).detail?.kind);
            if (!kinds.includes(constants.NODE_PERFORMANCE_GC_MINOR)) return;
            observer.disconnect();
            clearTimeout(timer);
            resolve(true);
          });
          observer.observe({ entryTypes: ['gc'] });
        });
      await session.post('HeapProfiler.startSampling', { samplingInterval: 256 });
      // Kept as text (one large string each, which scavenges never copy), not as the profiles' objects.
      const profiles: string[] = [];
      for (let i = 0; i <= params.scavenges; i++) {
        if (!(await nextScavenge())) break;
        profiles.push(JSON.stringify((await session.post('HeapProfiler.getSamplingProfile')).profile));
      }
      await session.post('HeapProfiler.stopSampling');
      session.disconnect();
      writeFileSync(params.file, `[${profiles.join(',')}]`);
      return profiles.length;
    },
    /** Current monotonic time, to check that the processes share one clock. */
    clock: (): number => Number(process.hrtime.bigint()) / 1e6,
  };
}
