import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyNames, shardOf, TIMER_SHARDS } from '../../server/src/cluster/keys.js';
import { type StepDecision, StoreUnavailableError } from '../../server/src/store/interface.js';
import { RedisRoomStore, type StoreLogger } from '../../server/src/store/redis.js';
import { freePort, type RedisServer, startRedisServer } from '../support/redisServer.js';

const keys = keyNames();

/** What only the Redis store promises beyond the contract: its layout, its round trips, its logs. */
type Note = { code: string; version: number; text: string[] };
const write =
  (text: string) =>
  (r: Note): StepDecision<Note> => ({
    ok: true,
    room: { ...r, version: r.version + 1, text: [...r.text, text] },
    effects: [],
  });

let server: RedisServer;
let admin: Redis;
const opened: RedisRoomStore<Note, StepDecision<Note>>[] = [];
const open = async (options: Parameters<typeof RedisRoomStore.connect>[1] = {}) => {
  const store = await RedisRoomStore.connect<Note, StepDecision<Note>>(server.url, options);
  opened.push(store);
  return store;
};

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await admin.flushall();
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

describe('RedisRoomStore', () => {
  it('one Redis round trip per accepted command once the room is cached', async () => {
    const store = await open();
    await store.create({ code: 'RTT', version: 0, text: [] });
    await store.apply('RTT', 'warm-up', write('loads the script into Redis'));
    const before = store.stats.redisCalls;
    for (let i = 0; i < 200; i++)
      expect((await store.apply('RTT', `c${i}`, write(`t${i}`))).status).toBe('applied');
    const calls = store.stats.redisCalls - before;
    expect(calls / 200).toBe(1);
  });

  it('[SR-8] the copies kept are of the rooms used last, near enough: a busy room stays while new rooms come, an unused one goes', async () => {
    const store = await open({ cacheSize: 4 });
    await store.create({ code: 'BUSY', version: 0, text: [] });
    await store.apply('BUSY', 'warm-up', write('loads the script into Redis'));
    for (let i = 0; i < 8; i++) {
      // Each new room's copy is kept; beyond four, the least recently used is dropped.
      await store.create({ code: `NEW${i}`, version: 0, text: [] });
      const before = store.stats.redisCalls;
      expect((await store.apply('BUSY', `b${i}`, write(`b${i}`))).status).toBe('applied');
      expect(store.stats.redisCalls - before).toBe(1); // its copy still held: the compare-and-set alone
    }
    // A room made early and not used since was dropped: its next command reads it first.
    const before = store.stats.redisCalls;
    expect((await store.apply('NEW0', 'n', write('n'))).status).toBe('applied');
    expect(store.stats.redisCalls - before).toBe(2);
    expect((await store.load('BUSY'))!.text).toHaveLength(9);
  });

  it("[SR-8] a read answered after this node's write keeps the copy that write left, not the read's older view", async () => {
    const store = await open();
    await store.create({ code: 'STRADDLE', version: 0, text: [] });
    await store.apply('STRADDLE', 'warm-up', write('cached'));
    // The write leaves first; the read, sent with the copy's version before the write's reply, finds
    // the room moved on and gets its fields back after the write was answered.
    const writing = store.apply('STRADDLE', 'w', write('w'));
    await new Promise((resolve) => setImmediate(resolve)); // the turn's compare-and-set has left
    const reading = store.load('STRADDLE');
    const written = await writing;
    expect((await reading)?.version).toBe(2);
    if (written.status !== 'applied') throw new Error(written.status);
    // The next write runs on the very room the write left (the copy kept), one round trip.
    let before: Note | undefined;
    const stop = store.onApplied((_code, applied) => {
      before = applied.before;
    });
    const calls = store.stats.redisCalls;
    expect((await store.apply('STRADDLE', 'n', write('n'))).status).toBe('applied');
    stop();
    expect(store.stats.redisCalls - calls).toBe(1);
    expect(before).toBe(written.decision.room);
  });

  it('[SR-1] an id sent twice within one batch is applied once: the retry answers duplicate, another payload reused', async () => {
    const store = await open();
    await store.create({ code: 'TWICE', version: 0, text: [] });
    await store.apply('TWICE', 'warm-up', write('cached'));
    // The first goes at once; the four queued behind it run as one batch, one compare-and-set.
    const before = store.stats.redisCalls;
    const results = await Promise.all([
      store.apply('TWICE', 'w', write('w'), 'fp-w'),
      store.apply('TWICE', 'x', write('x'), 'fp-x'),
      store.apply('TWICE', 'y', write('y'), 'fp-y'),
      store.apply('TWICE', 'x', write('x'), 'fp-x'),
      store.apply('TWICE', 'y', write('other'), 'fp-other'),
    ]);
    expect(store.stats.redisCalls - before).toBe(2);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'duplicate', 'reused']);
    expect(results[3]).toEqual({ status: 'duplicate', version: 4 });
    expect((await store.load('TWICE'))!.text).toEqual(['cached', 'w', 'x', 'y']);
  });

  it('each command of one batch gets its own outcome: applied, refused, a step that throws, applied', async () => {
    const store = await open();
    await store.create({ code: 'MIXED', version: 0, text: [] });
    await store.apply('MIXED', 'warm-up', write('cached'));
    const refuse = (): StepDecision<Note> => ({ ok: false, code: 'nope', message: 'refused' });
    const broken = (): StepDecision<Note> => {
      throw new Error('a bug in this step');
    };
    // The first goes at once; the four queued behind it run as one batch, one compare-and-set.
    const results = await Promise.allSettled([
      store.apply('MIXED', 'a', write('a')),
      store.apply('MIXED', 'b', write('b')),
      store.apply('MIXED', 'c', refuse),
      store.apply('MIXED', 'd', broken),
      store.apply('MIXED', 'e', write('e')),
    ]);
    const outcomes = results.map((r) =>
      r.status === 'fulfilled' ? r.value.status : (r.reason as Error).message,
    );
    expect(outcomes).toEqual(['applied', 'applied', 'refused', 'a bug in this step', 'applied']);
    expect(results[4]).toMatchObject({ value: { decision: { room: { version: 4 } } } });
    expect((await store.load('MIXED'))!.text).toEqual(['cached', 'a', 'b', 'e']);
  });

  it("[SR-1] a retry of one of the room's last commands is answered from the node's ids, no round trip; an older one by the compare-and-set's check", async () => {
    // A cache of the last 8 ids of the room.
    const store = await open({ idCacheSize: 8 });
    await store.create({ code: 'RETRY', version: 0, text: [] });
    for (let i = 0; i < 20; i++) await store.apply('RETRY', `c${i}`, write(`t${i}`), `fp${i}`);
    const before = store.stats.redisCalls;
    for (let i = 12; i < 20; i++)
      expect(await store.apply('RETRY', `c${i}`, write(`t${i}`), `fp${i}`)).toEqual({
        status: 'duplicate',
        version: 20,
      });
    expect(store.stats.redisCalls - before).toBe(0);
    // Beyond the cache: Redis's ids hash answers it (SR-1), one round trip more, nothing applied again.
    expect(await store.apply('RETRY', 'c0', write('t0'), 'fp0')).toEqual({
      status: 'duplicate',
      version: 20,
    });
    expect(store.stats.redisCalls - before).toBe(1);
    expect((await store.load('RETRY'))!.text).toHaveLength(20);
  });

  it('commands queued on one room share a round trip (fewer than one per command)', async () => {
    const store = await open();
    await store.create({ code: 'BURST', version: 0, text: [] });
    const before = store.stats.redisCalls;
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => store.apply('BURST', `c${i}`, write(`t${i}`))),
    );
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    expect(store.stats.redisCalls - before).toBeLessThan(50);
    expect((await store.load('BURST'))!.text).toEqual(Array.from({ length: 500 }, (_, i) => `t${i}`));
  });

  it('[SR-9] commands on 100 rooms ready in one tick: their compare-and-sets go in two calls, each acked and stored', async () => {
    const store = await open();
    const other = await open();
    const codes = Array.from({ length: 100 }, (_, i) => `MANY${i}`);
    for (const code of codes) await store.create({ code, version: 0, text: [] });
    // The first round loads the several-room script into Redis (NOSCRIPT, then EVAL).
    await Promise.all(codes.map((code) => store.apply(code, 'warm', write('cached'))));
    const before = store.stats.redisCalls;
    const results = await Promise.all(codes.map((code) => store.apply(code, 'c1', write('one'))));
    expect(results.map((r) => r.status)).toEqual(codes.map(() => 'applied'));
    // 64 rooms at most per call: 100 rooms, two calls (no read: every room was cached).
    expect(store.stats.redisCalls - before).toBe(2);
    for (const code of codes) expect((await other.load(code))!.text).toEqual(['cached', 'one']);
  });

  it('[SR-9] two rooms in one call, one of them changed by another node: the other is stored and acked at once, the first runs again', async () => {
    const node = await open();
    const other = await open();
    await node.create({ code: 'FRESH', version: 0, text: [] });
    await node.create({ code: 'STALE', version: 0, text: [] });
    await node.apply('FRESH', 'w1', write('a'));
    await node.apply('STALE', 'w1', write('a'));
    // Another node writes STALE: `node`'s copy of it is behind, its copy of FRESH is current.
    expect((await other.apply('STALE', 'o1', write('from other'))).status).toBe('applied');
    const seen: string[] = [];
    node.onApplied((code) => {
      seen.push(code);
    });
    const before = node.stats.redisCalls;
    const [fresh, stale] = await Promise.all([
      node.apply('FRESH', 'n1', write('b')),
      node.apply('STALE', 'n1', write('b')),
    ]);
    // One call for both (FRESH stored, STALE's conflict hands back the room), then STALE's own.
    expect(node.stats.redisCalls - before).toBe(2);
    expect(fresh).toMatchObject({ status: 'applied', decision: { room: { version: 2 } } });
    expect(stale).toMatchObject({ status: 'applied', decision: { room: { version: 3 } } });
    expect(seen).toEqual(['FRESH', 'STALE']);
    expect((await other.load('FRESH'))!.text).toEqual(['a', 'b']);
    expect((await other.load('STALE'))!.text).toEqual(['a', 'from other', 'b']);
  });

  it('[SR-9] [SR-1] in one call, a room whose command id was applied on another node answers duplicate; the other room is stored', async () => {
    const node = await open();
    const other = await open();
    for (const code of ['DUPA', 'DUPB']) {
      await node.create({ code, version: 0, text: [] });
      await node.apply(code, 'w1', write('a'));
    }
    // The same command (id, fingerprint) applied by another node first: `node`'s copy does not know it,
    // and its copy of DUPA is stale too.
    expect((await other.apply('DUPA', 'x1', write('x'), 'fp-x')).status).toBe('applied');
    const [dup, fresh] = await Promise.all([
      node.apply('DUPA', 'x1', write('x'), 'fp-x'),
      node.apply('DUPB', 'x1', write('x'), 'fp-x'),
    ]);
    expect(dup).toEqual({ status: 'duplicate', version: 2 });
    expect(fresh.status).toBe('applied');
    expect((await other.load('DUPA'))!.text).toEqual(['a', 'x']);
    expect((await other.load('DUPB'))!.text).toEqual(['a', 'x']);
  });

  it('[SR-9] no room of a call is acked before Redis answered the call', async () => {
    const store = await open();
    for (const code of ['WAITA', 'WAITB']) {
      await store.create({ code, version: 0, text: [] });
      await store.apply(code, 'w1', write('a'));
    }
    // Redis holds every write (scripts included) for 400 ms, and answers reads meanwhile.
    await admin.call('CLIENT', 'PAUSE', '400', 'WRITE');
    const settled: string[] = [];
    const pending = ['WAITA', 'WAITB'].map((code) =>
      store.apply(code, 'w2', write('b')).then((result) => {
        settled.push(code);
        return result;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toEqual([]);
    expect(await admin.hget(keys.room('WAITA'), 'h:version')).toBe('1');
    const results = await Promise.all(pending);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(await admin.hget(keys.room('WAITA'), 'h:version')).toBe('2');
    expect(await admin.hget(keys.room('WAITB'), 'h:version')).toBe('2');
  });

  it("[SR-11] a compare-and-set Redis leaves unanswered is given up after maxWaitMs: the room's next command is sent, not held behind it", async () => {
    // Redis silent for the calls' own bound only (maxWaitMs), not judged silent as a whole meanwhile.
    const store = await open({ maxWaitMs: 300, callTimeoutMs: 10_000 });
    await store.create({ code: 'HUNG', version: 0, text: [] });
    await store.apply('HUNG', 'w1', write('loads the script into Redis'));
    // Every write (scripts included) held far beyond the test: the call is never answered meanwhile.
    await admin.call('CLIENT', 'PAUSE', '30000', 'WRITE');
    try {
      await expect(store.apply('HUNG', 'w2', write('a'))).rejects.toBeInstanceOf(StoreUnavailableError);
      const sent = store.stats.redisCalls;
      // The room's drain awaited w2's reply: given up, it moves on, and w3's compare-and-set is sent.
      await expect(store.apply('HUNG', 'w3', write('b'))).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(store.stats.redisCalls).toBe(sent + 1);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
    }
  });

  it('[TM-10] on one Redis, a claim over every shard is one call that leases the due timer of each', async () => {
    const store = await open();
    const other = await open();
    // Rooms until every shard has one: each shard's timers set gets a due timer.
    const byShard = new Map<number, string>();
    for (let i = 0; byShard.size < TIMER_SHARDS; i++) {
      const code = `CLAIM${i}`;
      if (!byShard.has(shardOf(code))) byShard.set(shardOf(code), code);
    }
    const codes = [...byShard.values()];
    for (const code of codes) {
      await store.create({ code, version: 0, text: [] });
      await store.scheduleTimer(code, 't', 1_000);
    }
    await store.claimDueTimers(0, 100); // loads the script into Redis (NOSCRIPT, then EVAL)
    const before = store.stats.redisCalls;
    const due = await store.claimDueTimers(1_000, 100);
    expect(store.stats.redisCalls - before).toBe(1);
    expect(due.map((timer) => timer.code).sort()).toEqual([...codes].sort());
    // Leased (TM-10): another node gets none of them within the lease.
    expect(await other.claimDueTimers(1_000, 100)).toEqual([]);
  });

  it('a command waiting behind others while Redis answers is not failed: only a silent Redis fails it', async () => {
    // A busy node: every step burns 15 ms of CPU and a batch holds one step, so the last of 40 commands
    // on a room waits ~600 ms behind the others, three times the call timeout, while Redis answers
    // every call at once. It waits its turn; it is not answered store_unavailable.
    const store = await open({ callTimeoutMs: 200, batchBudgetMs: 0 });
    await store.create({ code: 'QUEUE', version: 0, text: [] });
    const busy =
      (text: string) =>
      (r: Note): StepDecision<Note> => {
        const until = performance.now() + 15;
        while (performance.now() < until) {}
        return write(text)(r);
      };
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => store.apply('QUEUE', `q${i}`, busy(`t${i}`))),
    );
    const waited = Date.now() - started;
    const failed = results.filter((r) => r.status === 'rejected').length;
    expect({ failed, slowEnough: waited > 400 }).toEqual({ failed: 0, slowEnough: true });
    expect((await store.load('QUEUE'))!.text).toHaveLength(40);

    // The same queue on a frozen Redis: every command fails within the call timeout (+ the check's 50 ms).
    server.freeze();
    try {
      const frozenAt = Date.now();
      const frozen = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store.apply('QUEUE', `f${i}`, write(`f${i}`))),
      );
      const ms = Date.now() - frozenAt;
      expect(frozen.every((r) => r.status === 'rejected' && r.reason instanceof StoreUnavailableError)).toBe(
        true,
      );
      expect(ms).toBeLessThan(600);
    } finally {
      server.thaw();
    }
  });

  it('[TM-11] a node blocked again and again by its own work does not take Redis for silent', async () => {
    // A thousand timers fired at once while clients send commands: the node runs steps on many rooms in
    // one go, again and again, each time for longer than the call timeout, and the calls it made in one
    // block are written, and their answers read, only once it is free. Here 8 waves, one after the
    // other, of a command on each of 20 rooms whose step burns 15 ms: ~300 ms blocks, the call timeout
    // 200 ms. Redis answers every call as soon as it reads it: none may fail.
    const store = await open({ callTimeoutMs: 200 });
    const codes = Array.from({ length: 20 }, (_, i) => `BLOCK${i}`);
    for (const code of codes) {
      await store.create({ code, version: 0, text: [] });
      await store.apply(code, 'warm', write('cached'));
    }
    const busy =
      (text: string) =>
      (r: Note): StepDecision<Note> => {
        const until = performance.now() + 15;
        while (performance.now() < until) {}
        return write(text)(r);
      };
    const waves = (count: number) =>
      new Promise<PromiseSettledResult<unknown>[]>((resolve) => {
        const results: Promise<unknown>[] = [];
        const wave = (k: number) => {
          for (const code of codes) results.push(store.apply(code, `${k}`, busy(`${k}`)));
          if (k + 1 < count) setImmediate(() => wave(k + 1));
          else resolve(Promise.allSettled(results));
        };
        wave(0);
      });
    const results = await waves(8);
    const failed = results.filter((r) => r.status === 'rejected').length;
    expect(failed).toBe(0);
    const expected = ['cached', ...Array.from({ length: 8 }, (_, k) => `${k}`)];
    for (const code of codes) expect((await store.load(code))!.text).toEqual(expected);

    // The same blocks on a frozen Redis: every command still fails.
    server.freeze();
    try {
      const frozen = await Promise.allSettled(codes.map((code) => store.apply(code, 'f', busy('f'))));
      expect(frozen.every((r) => r.status === 'rejected' && r.reason instanceof StoreUnavailableError)).toBe(
        true,
      );
    } finally {
      server.thaw();
    }
  });

  it('[SR-12] a call made while Redis is already judged silent is answered by a Redis back from a freeze', async () => {
    // A node keeps calling Redis while it is frozen (its timer poller, the room watch), so the watchdog
    // never rests and its verdict stands: a command that came just before the thaw must not share it.
    const store = await open({ callTimeoutMs: 200 });
    await store.create({ code: 'THAW', version: 0, text: [] });
    await store.apply('THAW', 'warm', write('cached'));
    const failures: unknown[] = [];
    let polling = true;
    const poll = async () => {
      while (polling) {
        await store.header('THAW').catch((error: unknown) => failures.push(error));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    server.freeze();
    let poller: Promise<void> | undefined;
    try {
      const judged = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (failures.length === 0) return;
          clearInterval(check);
          resolve();
        }, 10);
      });
      poller = poll();
      await judged; // Redis judged silent: the poller's calls failed
      expect(failures[0]).toBeInstanceOf(StoreUnavailableError);

      // Still frozen and judged silent: a fresh call is failed too, only later than the verdict.
      const started = Date.now();
      await expect(store.apply('THAW', 'lost', write('lost'))).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);

      // A fresh call, and the thaw 80 ms later: stored and answered.
      const fresh = store.apply('THAW', 'after', write('after'));
      setTimeout(() => server.thaw(), 80);
      expect((await fresh).status).toBe('applied');
    } finally {
      server.thaw();
      polling = false;
      await poller;
    }
    expect((await store.load('THAW'))!.text.at(-1)).toBe('after');
  });

  it('[SR-1] [SR-6] stores a room as a hash of fields (header, fields) and its command ids in a hash, both with the TTL', async () => {
    const store = await open({ ttlSeconds: 120 });
    await store.create({ code: 'LAYOUT', version: 0, text: [] });
    for (let i = 0; i < 300; i++) await store.apply('LAYOUT', `c${i}`, write('x'), `fp${i}`);
    const hash = await admin.hgetall(keys.room('LAYOUT'));
    expect(Object.keys(hash).sort()).toEqual(['f:code', 'f:text', 'h:gen', 'h:keys', 'h:version']);
    expect(hash['h:version']).toBe('300');
    expect(hash['h:gen']).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.parse(hash['h:keys']!)).toEqual(['code', 'version', 'text']);
    expect(JSON.parse(hash['f:text']!)).toHaveLength(300);
    expect((await store.load('LAYOUT'))!.version).toBe(300);
    const ids = await admin.hgetall(keys.roomIds('LAYOUT'));
    expect(Object.keys(ids)).toHaveLength(300);
    expect(ids.c0).toBe('fp0');
    for (const key of [keys.room('LAYOUT'), keys.roomIds('LAYOUT')]) {
      const pttl = await admin.pttl(key);
      expect(pttl).toBeGreaterThan(110_000);
      expect(pttl).toBeLessThanOrEqual(120_000);
    }
  });

  it('[SR-6] a write of thousands of fields (set in chunks with the version, texts beyond ASCII) is stored whole', async () => {
    type Board = { code: string; version: number; cards: Record<string, { text: string }> };
    const store = await RedisRoomStore.connect<Board, StepDecision<Board>>(server.url);
    const other = await RedisRoomStore.connect<Board, StepDecision<Board>>(server.url);
    opened.push(store as never, other as never);
    await store.create({ code: 'WIDE', version: 0, cards: {} });
    // 1,203 cards in one step: 2,406 fields (entry and place) and the version, past several chunks.
    const cards = Object.fromEntries(
      Array.from({ length: 1_203 }, (_, i) => [`k${i}`, { text: `card ${i} é ✓ 🙂` }]),
    );
    const step = (r: Board): StepDecision<Board> => ({
      ok: true,
      room: { ...r, version: r.version + 1, cards },
      effects: [],
    });
    expect((await store.apply('WIDE', 'c1', step)).status).toBe('applied');
    expect(await admin.hget(keys.room('WIDE'), 'h:version')).toBe('1');
    expect(await admin.hlen(keys.room('WIDE'))).toBe(2 * 1_203 + 4); // + h:gen, h:version, h:keys, f:code
    const read = (await other.load('WIDE'))!;
    expect(read.version).toBe(1);
    expect(Object.keys(read.cards)).toEqual(Object.keys(cards));
    expect(read.cards.k1202).toEqual({ text: 'card 1202 é ✓ 🙂' });
  });

  it('falls back to EVAL when Redis has forgotten the scripts (NOSCRIPT)', async () => {
    const store = await open();
    await store.create({ code: 'NOSCRIPT', version: 0, text: [] });
    await store.apply('NOSCRIPT', 'c1', write('a'));
    await admin.script('FLUSH');
    const before = store.stats.redisCalls;
    expect((await store.apply('NOSCRIPT', 'c2', write('b'))).status).toBe('applied');
    expect(store.stats.redisCalls - before).toBe(2); // EVALSHA refused, then EVAL
    expect((await store.apply('NOSCRIPT', 'c3', write('c'))).status).toBe('applied');
    expect(store.stats.redisCalls - before).toBe(3);
  });

  it('connecting to a Redis that is not there fails fast with StoreUnavailableError', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(RedisRoomStore.connect(`redis://127.0.0.1:${port}`)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('logs connection trouble without room content, codes or ids', async () => {
    const lines: string[] = [];
    const logger: StoreLogger = {
      warn: (obj, msg) => lines.push(JSON.stringify({ ...obj, msg })),
      info: (obj, msg) => lines.push(JSON.stringify({ ...obj, msg })),
    };
    const store = await open({ logger });
    await store.create({ code: 'CANARYCODE', version: 0, text: [] });
    await store.apply('CANARYCODE', 'canary-command-id', write('canary secret text'));
    await server.kill();
    await expect(store.apply('CANARYCODE', 'canary-2', write('canary more text'))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await server.restart();
    const deadline = Date.now() + 5_000;
    while (!(await store.ping()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(lines.some((line) => line.includes('store_unavailable'))).toBe(true);
    expect(lines.some((line) => line.includes('store_ready'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/canary/i);
  });
});
