import { writeFileSync } from 'node:fs';
import { PerformanceObserver, constants as perf } from 'node:perf_hooks';

/**
 * `npm run bench -- --trace DIR`: loaded first (`--import`) into each server process of both targets
 * alike. It keeps, with CLOCK_MONOTONIC stamps in ms (the clock of the clients' receipts and of V8's
 * --cpu-prof samples), every garbage collection (kind, pause) and every event-loop stall of at least
 * STALL_MS (a 5 ms interval timer that fired that much late: the loop was held by whatever ran, or the
 * process waited for a core; the CPU time it used meanwhile tells which), and
 * writes them to DIR/<name>-<pid>.json when the process exits. `test/bench/traceReport.ts` reads them
 * beside the clients' slow receipts and the profiles.
 */
const file = process.env.BENCH_TRACE_FILE;
if (file) {
  const mono = () => Number(process.hrtime.bigint()) / 1e6;
  const STALL_MS = 10;
  const TICK_MS = 5;
  const kinds: Record<number, string> = {
    [perf.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [perf.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [perf.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [perf.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  // performance.now() is ms since timeOrigin on the same monotonic clock as hrtime.
  const offset = mono() - performance.now();
  const gcs: [number, number, string][] = [];
  /** Start, length, and this process's CPU time over it (all threads; well under the length: descheduled). */
  const stalls: [number, number, number][] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
      gcs.push([entry.startTime + offset, entry.duration, kinds[kind] ?? String(kind)]);
    }
  }).observe({ entryTypes: ['gc'] });
  let last = mono();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const now = mono();
    const cpu = process.cpuUsage();
    const late = now - last - TICK_MS;
    if (late >= STALL_MS) {
      const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
      stalls.push([last + TICK_MS, late, cpuMs]);
    }
    last = now;
    lastCpu = cpu;
  }, TICK_MS).unref();
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ pid: process.pid, gcs, stalls }));
  });
}
