import type { RoomEvent } from '@cercle/shared';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';

/**
 * The fault suite's pieces: real node processes (server/src/main.ts) on one real redis-server, and
 * participants written from docs/protocol.md (test/support/clients.ts).
 */

/** Commands as fast as a test sends them: the rate limits are not what these tests look at. */
export const fastCommands = { COMMAND_RATE: '10000', COMMAND_BURST: '100000', LOG_LEVEL: 'info' };

export async function startNode(env: Record<string, string>, preload: string[] = []): Promise<ServerProcess> {
  return startServerProcess({ ...fastCommands, ...env }, { preload });
}

/** Stops a node that may already be gone, and waits for its exit. */
export async function stopNode(node: ServerProcess | null | undefined): Promise<void> {
  if (!node || node.child.exitCode !== null || node.child.signalCode !== null) return;
  node.child.kill('SIGKILL');
  await node.exited;
}

/** A peer-coaching room (two seats, started at once) with its two people on the given nodes. */
export async function startedPair(urlA: string, urlB = urlA) {
  const { code } = await createRoom(urlA, { template: 'peer-coaching' });
  const eve = await join(urlA, { code, name: 'Eve' }, 'Eve');
  const olga = await join(urlB, { code, name: 'Olga' }, 'Olga');
  await eve.must({ type: 'start' });
  return { code, eve, olga };
}

/** Brings the running phase's deadline to `ms` from now (add_time, negative). */
export async function deadlineIn(p: TestParticipant, ms: number): Promise<number> {
  const timer = p.view!.timer!;
  const remaining = timer.startedAt + timer.durationMs + timer.pausedTotalMs - Date.now();
  await p.must({ type: 'add_time', ms: Math.round(ms - remaining) });
  return Date.now() + ms;
}

export const timeUps = (p: TestParticipant) =>
  p.patches.flatMap((patch) => patch.events).filter((e: RoomEvent) => e.type === 'time_up');

/** Polls `check` every 20 ms until true; throws after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
