/**
 * The soak (`npm run soak`, not part of `npm test`): two real nodes on one real redis-server, rooms
 * where people join, leave and come back, write, add and remove time, move through the phases and
 * end (erased) to make room for new ones, for `--minutes` (default 30). Every `--every` seconds each
 * node is asked for its heap after a full GC and its RSS (test/soak/heapProbe.ts); the table and the
 * growth from the first sample after warm-up to the last are printed at the end.
 *
 *   npm run soak -- --minutes 30 --rooms 20
 */
import { randomUUID } from 'node:crypto';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { startRedisServer } from '../support/redisServer.js';
import { sealedOf } from '../support/sealed.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg('minutes', 30);
const roomCount = arg('rooms', 20);
const everyS = arg('every', Math.max(10, Math.round((minutes * 60) / 20)));
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

type Sample = { minute: number; node: string; heapMb: number; rssMb: number };
const counts = { ok: 0, refused: 0, failed: 0, rooms: 0, rejoins: 0, lifeErrors: 0 };

async function sample(node: ServerProcess, name: string, startedAt: number): Promise<Sample> {
  const before = node.stdout().length;
  node.child.kill('SIGURG');
  for (let i = 0; i < 200; i++) {
    const line = node
      .stdout()
      .slice(before)
      .split('\n')
      .find((l) => l.includes('"soak_heap"'));
    if (line) {
      const { heapUsed, rss } = JSON.parse(line) as { heapUsed: number; rss: number };
      const minute = Math.round(((Date.now() - startedAt) / 60_000) * 10) / 10;
      return {
        minute,
        node: name,
        heapMb: Math.round((heapUsed / MB) * 10) / 10,
        rssMb: Math.round(rss / MB),
      };
    }
    await sleep(50);
  }
  throw new Error(`${name} did not report its heap`);
}

/** One room's life, again and again until `until`: a pair on both nodes, commands, churn, erase. */
async function roomLife(urls: [string, string], until: number): Promise<void> {
  while (Date.now() < until) {
    const { code } = await createRoom(urls[0], { template: 'peer-coaching' });
    counts.rooms++;
    let eve: TestParticipant = await join(urls[0], { code, name: 'Eve' }, 'Eve');
    let olga: TestParticipant = await join(urls[1], { code, name: 'Olga' }, 'Olga');
    const send = async (p: TestParticipant, command: Record<string, unknown>) => {
      try {
        const ack = await p.send(command, randomUUID());
        if (ack.ok) counts.ok++;
        else counts.refused++;
        return ack;
      } catch {
        counts.failed++;
        return null;
      }
    };
    await send(eve, { type: 'start' });
    const lifeEnds = Math.min(until, Date.now() + 60_000 + Math.random() * 60_000);
    while (Date.now() < lifeEnds) {
      const who = pick([eve, olga]);
      const roll = Math.random();
      if (roll < 0.4) {
        const ack = await send(who, { type: 'logbook_add', sealed: sealedOf(`note ${randomUUID()}`) });
        const entryId = ack?.ok ? Object.keys(who.mine?.logbook ?? {}).at(-1) : undefined;
        if (entryId && Math.random() < 0.8) await send(who, { type: 'logbook_delete', entryId });
      } else if (roll < 0.6) {
        await send(who, { type: 'add_time', ms: pick([-30_000, 30_000, 60_000]) });
      } else if (roll < 0.7) {
        // A phase deadline soon: "time is up" fires on whichever node claims it.
        await send(who, { type: 'add_time', ms: -((who.view?.timer?.durationMs ?? 0) - 500) });
      } else if (roll < 0.8) {
        await send(who, { type: 'next_phase', from: who.view?.phaseIndex ?? 0 });
      } else if (roll < 0.9) {
        // Leaves and comes back (on the other node), with the seat's token.
        const url = who === eve ? urls[1] : urls[0];
        who.close();
        const back = await join(url, { code, resumeToken: who.resumeToken }, who.label).catch(() => null);
        if (!back) break;
        counts.rejoins++;
        if (who === eve) eve = back;
        else olga = back;
      } else {
        await who.sync().catch(() => {});
      }
      await sleep(100 + Math.random() * 400);
    }
    await send(eve, { type: 'end', purge: true });
    eve.close();
    olga.close();
  }
}

async function main() {
  const redis = await startRedisServer();
  // Every simulated person comes from 127.0.0.1: the per-address limits would stop the soak itself.
  const env = {
    REDIS_URL: redis.url,
    LOG_LEVEL: 'info',
    COMMAND_RATE: '1000',
    COMMAND_BURST: '10000',
    JOIN_RATE_PER_IP: '100000',
    JOIN_FAILURES_PER_IP: '100000',
    JOIN_RATE_TOTAL: '100000',
    ROOMS_API_RATE: '100000',
    MAX_CONNECTIONS_PER_IP: '10000',
  };
  const preload = ['test/soak/heapProbe.ts'];
  const nodes = [await startServerProcess(env, { preload }), await startServerProcess(env, { preload })];
  const urls: [string, string] = [nodes[0]!.url, nodes[1]!.url];
  const startedAt = Date.now();
  const until = startedAt + minutes * 60_000;
  const samples: Sample[] = [];
  console.log(`soak: ${minutes} min, ${roomCount} rooms at a time over 2 nodes, a sample every ${everyS} s`);
  // A life that fails (a refused join, a node too slow) is counted and started again.
  const lives = Array.from({ length: roomCount }, async () => {
    while (Date.now() < until) {
      await roomLife(urls, until).catch((error: unknown) => {
        counts.lifeErrors++;
        console.error(`a room's life failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      await sleep(1_000);
    }
  });
  const sampling = (async () => {
    while (Date.now() < until) {
      for (const [i, node] of nodes.entries()) {
        const s = await sample(node, `node ${i + 1}`, startedAt);
        samples.push(s);
        console.log(`${s.minute} min  ${s.node}  heap after GC ${s.heapMb} MB  RSS ${s.rssMb} MB`);
      }
      await sleep(everyS * 1000);
    }
  })();
  await Promise.all([...lives, sampling]);
  await sleep(2_000);
  for (const [i, node] of nodes.entries()) samples.push(await sample(node, `node ${i + 1}`, startedAt));
  for (const node of nodes) {
    node.child.kill('SIGTERM');
    await node.exited;
  }
  await redis.stop();

  console.log('\n| minute | node | heap after GC (MB) | RSS (MB) |\n| --- | --- | --- | --- |');
  for (const s of samples) console.log(`| ${s.minute} | ${s.node} | ${s.heapMb} | ${s.rssMb} |`);
  for (const name of ['node 1', 'node 2']) {
    const mine = samples.filter((s) => s.node === name);
    // Warm-up: the first fifth of the run (caches, JIT, pools filling).
    const base = mine.find((s) => s.minute >= minutes / 5) ?? mine[0]!;
    const last = mine.at(-1)!;
    console.log(
      `${name}: heap after GC ${base.heapMb} -> ${last.heapMb} MB (${(last.heapMb - base.heapMb).toFixed(1)} MB from minute ${base.minute} to ${last.minute}), RSS ${base.rssMb} -> ${last.rssMb} MB`,
    );
  }
  console.log(
    `commands: ${counts.ok} ok, ${counts.refused} refused by the rules, ${counts.failed} without answer; rooms opened ${counts.rooms}; leave-and-come-back ${counts.rejoins}; room lives that failed ${counts.lifeErrors}`,
  );
}

await main();
