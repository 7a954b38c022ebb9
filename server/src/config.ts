import { z } from 'zod';

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Every setting Cercle reads from the environment, with its default. README lists them. */
export const configSchema = z.object({
  PORT: intFrom(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROOM_TTL_SECONDS: intFrom(60, 60 * 60 * 24 * 30).default(86_400),
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
  TRUST_PROXY: flag.default(false),
  MAX_CONNECTIONS_PER_IP: intFrom(1, 10_000).default(50),
  SHUTDOWN_TIMEOUT_MS: intFrom(100, 60_000).default(5_000),
  CLIENT_DIST: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value throws one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  throw new ConfigError(
    `Invalid configuration: ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`,
  );
}
