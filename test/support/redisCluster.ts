import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { type RedisServer, startRedisServer } from './redisServer.js';

const run = promisify(execFile);

/**
 * A throwaway Redis Cluster for tests: `primaries` redis-servers with `--cluster-enabled yes`, each on a
 * free port with a free cluster-bus port and its own folder, joined by `redis-cli --cluster create`
 * (no replicas). Resolves once every node says `cluster_state:ok`. Every process is SIGKILLed when the
 * test process exits, like startRedisServer's.
 */
export type RedisCluster = {
  readonly nodes: RedisServer[];
  /** REDIS_CLUSTER_NODES for a Cercle node: every primary's host:port. */
  readonly nodesSetting: string;
  /** The primary serving `slot`. */
  primaryOf(slot: number): Promise<RedisServer>;
  /** Resolves once every running node says `cluster_state:ok`. */
  ready(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

export async function startRedisCluster(
  options: { primaries?: number; durable?: boolean } = {},
): Promise<RedisCluster> {
  const count = options.primaries ?? 3;
  const started = await Promise.allSettled(
    Array.from({ length: count }, () => startRedisServer({ durable: options.durable, cluster: true })),
  );
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // One node did not start: the others are stopped, not left running after the test.
    await Promise.all(nodes.map((n) => n.stop()));
    throw failed.reason;
  }
  try {
    // The default waits a second between its checks; the join itself takes a few hundred ms here.
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw error;
  }
  const ready = async (timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(
        nodes.map((n) => cli(n.port, 'cluster', 'info').catch(() => 'cluster_state:down')),
      );
      if (states.every((s) => s.includes('cluster_state:ok'))) return;
      if (Date.now() > deadline) throw new Error('the Redis Cluster did not become ready');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await ready();
  return {
    nodes,
    nodesSetting: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    async primaryOf(slot) {
      for (const node of nodes) {
        const client = new Redis(node.port, { lazyConnect: true, maxRetriesPerRequest: 0 });
        try {
          await client.connect();
          for (const [low, high, primary] of await client.cluster('SLOTS')) {
            if (primary && slot >= low && slot <= high) return nodes.find((n) => n.port === primary[1])!;
          }
        } catch {
          // this node is down: ask the next one
        } finally {
          client.disconnect();
        }
      }
      throw new Error(`no primary found for slot ${slot}`);
    },
    ready,
    stop: async () => {
      // Every node, even when one fails to stop (each stop ends in a SIGKILL at worst).
      await Promise.allSettled(nodes.map((n) => n.stop()));
    },
  };
}
