import type { FastifyBaseLogger } from 'fastify';
import { type LoggerOptions, pino } from 'pino';

/**
 * Field names that may carry user content or secrets anywhere in a log object. Room content never
 * belongs in a log line; redaction is the safety net behind that rule, not the rule itself.
 */
const sensitiveFields = [
  'name',
  'displayName',
  'text',
  'note',
  'notes',
  'title',
  'request',
  'what',
  'withWhom',
  'code',
  'roomCode',
  'token',
  'resumeToken',
  'facilitatorKey',
  'auth',
  'authorization',
  'cookie',
  'command',
  'payload',
];

const redactPaths = [
  ...sensitiveFields,
  ...sensitiveFields.map((f) => `*.${f}`),
  ...sensitiveFields.map((f) => `*.*.${f}`),
  'req.headers',
  'req.url',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { service: 'cercle', pid: process.pid },
  };
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): FastifyBaseLogger {
  return pino(loggerOptions(level), destination ?? process.stdout) as unknown as FastifyBaseLogger;
}

/** A URL with room codes and tokens replaced, for the rare place a path must be logged. */
export function maskPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path
    .replace(/^\/r\/[^/]+/, '/r/:code')
    .replace(/^\/c\/[^/]+/, '/c/:circleId')
    .replace(/^\/api\/rooms\/[^/]+/, '/api/rooms/:code')
    .replace(/^\/api\/circles\/[^/]+.*$/, '/api/circles/:circleId');
}
