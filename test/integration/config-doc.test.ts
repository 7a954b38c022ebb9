import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema, loadConfig } from '../../server/src/config.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const documented = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));

describe('configuration', () => {
  it('README lists every environment variable the server reads, and no other', () => {
    expect([...documented].sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('README states each default as the schema has it', () => {
    const defaults = loadConfig({});
    for (const [name, value] of Object.entries(defaults)) {
      if (value === undefined || Array.isArray(value)) continue;
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, name).toContain(`\`${String(value)}\``);
    }
  });

  it('a bad value names the variable in one line', () => {
    expect(() => loadConfig({ ROOM_TTL_SECONDS: '5' })).toThrow(/^Invalid configuration: ROOM_TTL_SECONDS=/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('[SC-2] REDIS_CLUSTER_NODES is a list of host:port, not together with REDIS_URL', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001' }).REDIS_CLUSTER_NODES).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
    ]);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'redis://a:6379' })).toThrow(
      /REDIS_CLUSTER_NODES=.*not both/,
    );
  });
});
