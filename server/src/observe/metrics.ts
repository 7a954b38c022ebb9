import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Observer } from './observer.js';

/** Seconds: a healthy command is acknowledged in milliseconds; the promise is within 2 s. */
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];
/** Seconds after the deadline: a timer fires within a few ms on its node, within a poll on another. */
const latenessBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/**
 * The Prometheus metrics: Cercle's own (`cercle_*`) beside prom-client's default process metrics
 * (CPU, memory, handles, event-loop delay). Labels are closed sets only (outcomes are error codes,
 * command types the protocol's, store operations the store's methods): never a room code, name or text.
 * Each app has its own registry, so two apps in one process (tests) do not share counts.
 */
export function metricsObserver(): { observer: Observer; registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const registers = [registry];

  const connections = new Gauge({
    name: 'cercle_connections',
    help: 'Live connections with a seat on this node',
    registers,
  });
  const connectionsOpened = new Counter({
    name: 'cercle_connections_opened_total',
    help: 'Live connections given a seat since start',
    registers,
  });
  const handshakes = new Counter({
    name: 'cercle_handshakes_total',
    help: 'Handshakes by outcome: admitted, waiting (for admission) or the error code refused with',
    labelNames: ['outcome'],
    registers,
  });
  const joins = new Counter({
    name: 'cercle_joins_total',
    help: 'First joins and resumes by outcome (ok or error code)',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  const commands = new Counter({
    name: 'cercle_commands_total',
    help: 'Commands by type and outcome (ok or error code)',
    labelNames: ['type', 'outcome'],
    registers,
  });
  const ackLatency = new Histogram({
    name: 'cercle_command_ack_seconds',
    help: 'Time from a command received to its acknowledgement sent',
    buckets: latencyBuckets,
    registers,
  });
  const storeLatency = new Histogram({
    name: 'cercle_store_latency_seconds',
    help: 'Duration of store calls by operation and outcome (ok or error)',
    labelNames: ['op', 'outcome'],
    buckets: latencyBuckets,
    registers,
  });
  const storeUnavailable = new Counter({
    name: 'cercle_store_unavailable_total',
    help: 'Callers answered store_unavailable',
    registers,
  });
  const timersFired = new Counter({
    name: 'cercle_timers_fired_total',
    help: 'Due timers run, by outcome (ok, stale_timer, store_unavailable, ...)',
    labelNames: ['outcome'],
    registers,
  });
  const timerLateness = new Histogram({
    name: 'cercle_timer_lateness_seconds',
    help: 'How long after its deadline a timer ran',
    buckets: latenessBuckets,
    registers,
  });
  const roomsActive = new Gauge({
    name: 'cercle_rooms_active',
    help: 'Rooms with at least one live connection on this node',
    registers,
  });
  const circlesActive = new Gauge({
    name: 'cercle_circles_active',
    help: 'Circles with a session room that has a live connection on this node',
    registers,
  });
  // Present from the first scrape, so a rate() over them starts at zero rather than at the first event.
  storeUnavailable.inc(0);
  connections.set(0);
  roomsActive.set(0);
  circlesActive.set(0);

  const observer: Observer = {
    connectionOpened() {
      connections.inc();
      connectionsOpened.inc();
    },
    connectionClosed() {
      connections.dec();
    },
    handshake(outcome) {
      handshakes.inc({ outcome });
    },
    join(kind, outcome) {
      joins.inc({ kind, outcome });
    },
    command({ type, outcome, ms }) {
      commands.inc({ type, outcome });
      ackLatency.observe(ms / 1000);
    },
    storeCall(op, ms, ok) {
      storeLatency.observe({ op, outcome: ok ? 'ok' : 'error' }, ms / 1000);
    },
    storeUnavailable() {
      storeUnavailable.inc();
    },
    timerFired(outcome, lateMs) {
      timersFired.inc({ outcome });
      timerLateness.observe(Math.max(0, lateMs) / 1000);
    },
    roomsActive(count) {
      roomsActive.set(count);
    },
    circlesActive(count) {
      circlesActive.set(count);
    },
  };
  return { observer, registry };
}
