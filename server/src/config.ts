import { z } from 'zod';
import { parseTrustProxy, type TrustProxy } from './http/clientAddress.js';

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every setting Cercle reads from the environment, with its default. README lists them. */
export const configSchema = z.object({
  PORT: intFrom(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  /**
   * A Redis Cluster instead of one Redis: some of its nodes as `host:port`, comma-separated (the others
   * are discovered). Not together with REDIS_URL.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const nodes = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const parsed = nodes.map((node) => /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(node));
      if (nodes.length === 0 || parsed.some((m) => m === null || Number(m[2]) > 65535)) {
        ctx.addIssue({ code: 'custom', message: 'give host:port pairs separated by commas' });
        return z.NEVER;
      }
      return parsed.map((m) => ({ host: m![1]!.replace(/^\[|\]$/g, ''), port: Number(m![2]) }));
    }),
  /** The password of the cluster's nodes (`requirepass`/`masterauth`), with REDIS_CLUSTER_NODES. */
  REDIS_CLUSTER_PASSWORD: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROOM_TTL_SECONDS: intFrom(60, 60 * 60 * 24 * 30).default(86_400),
  /** Without REDIS_URL or REDIS_CLUSTER_NODES: the folder of the embedded database (created on first start). */
  DATA_DIR: z.string().min(1).default('./data'),
  /** How long a circle is kept after its last activity. */
  CIRCLE_RETENTION_DAYS: intFrom(1, 3650).default(365),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  PUBLIC_URL: z.url().optional(),
  /**
   * Who may tell the client's address in X-Forwarded-For: a number of proxy hops, or the proxies'
   * addresses and ranges; unset: nobody (HT-1). `true` is refused: it would trust what a client wrote.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx): TrustProxy => {
      if (value === undefined) return undefined;
      if (value.trim() === 'true') {
        ctx.addIssue({ code: 'custom', message: 'give a hop count (e.g. 1) or the proxy addresses' });
        return z.NEVER;
      }
      try {
        return parseTrustProxy(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not a hop count or a list of addresses and ranges' });
        return z.NEVER;
      }
    }),
  /** Who may show the page in a frame (CSP frame-ancestors): `'none'`, `'self'` or origins. */
  FRAME_ANCESTORS: z
    .string()
    .default("'none'")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .pipe(
      z
        .array(z.string().regex(/^('none'|'self'|https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d+)?)$/, 'not a source'))
        .min(1),
    ),
  MAX_CONNECTIONS_PER_IP: intFrom(1, 10_000).default(50),
  /** How long a connection may stay open without logging in to a room (HT-4). */
  LOGIN_TIMEOUT_MS: intFrom(200, 60_000).default(5_000),
  SHUTDOWN_TIMEOUT_MS: intFrom(100, 60_000).default(5_000),
  CLIENT_DIST: z.string().optional(),
  /** Joins (first join or resume) one address may start per minute; the same number may come at once. */
  JOIN_RATE_PER_IP: intFrom(1, 100_000).default(30),
  /** Refused joins (wrong code, wrong token, wrong key) one address may make per minute. */
  JOIN_FAILURES_PER_IP: intFrom(1, 100_000).default(10),
  /** Joins per second on one node, all addresses together (twice as many may come at once). */
  JOIN_RATE_TOTAL: intFrom(1, 100_000).default(100),
  /** Commands per second one connection may send, and how many may come at once. */
  COMMAND_RATE: intFrom(1, 10_000).default(10),
  COMMAND_BURST: intFrom(1, 100_000).default(40),
  /** How long the address of someone removed from a room may not join it again by name (RM-10). */
  REMOVAL_BAR_SECONDS: intFrom(0, 86_400).default(600),
  /** Requests to /api/rooms per minute from one address. */
  ROOMS_API_RATE: intFrom(1, 100_000).default(30),
  /** How long a store call may take before the command is answered `store_unavailable` (below 2 s). */
  STORE_TIMEOUT_MS: intFrom(50, 10_000).default(1_000),
  /** How long a participant whose connection dropped keeps their seat, shown away, before it is released. */
  SEAT_GRACE_SECONDS: intFrom(1, 86_400).default(120),
  /** How often each node looks for due timers in the store. */
  TIMER_POLL_MS: intFrom(10, 10_000).default(100),
  /** Bearer token a scraper must send to read /metrics; unset: no /metrics at all. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A port of its own for /metrics (on HOST), so it can be kept off the public address. */
  METRICS_PORT: intFrom(1, 65535).optional(),
});

export type Config = z.infer<typeof configSchema>;

/** Settings that only make sense together. */
const checkedSchema = configSchema.superRefine((config, ctx) => {
  if (config.REDIS_URL !== undefined && config.REDIS_CLUSTER_NODES !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_CLUSTER_NODES'],
      message: 'set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a cluster), not both',
    });
  }
  if (config.METRICS_PORT !== undefined && config.METRICS_TOKEN === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['METRICS_PORT'],
      message: 'needs METRICS_TOKEN (metrics are off without it)',
    });
  }
});

export class ConfigError extends Error {}

const secretSettings = new Set(['METRICS_TOKEN', 'REDIS_URL', 'REDIS_CLUSTER_PASSWORD']);

/** Parses the environment; a bad value throws one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = checkedSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  // A token, or a URL that may hold a password, is never echoed.
  const shown = secretSettings.has(name) ? '[hidden]' : JSON.stringify(env[name] ?? '');
  throw new ConfigError(`Invalid configuration: ${name}=${shown}: ${issue.message}`);
}
