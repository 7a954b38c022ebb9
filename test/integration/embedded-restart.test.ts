import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { type ServerProcess, startServerProcess, tempDataDir } from '../support/serverProcess.js';

/** A port free right now, so the server comes back where the pages were connected. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('the embedded server survives a restart (SQLite in DATA_DIR)', () => {
  const dataDir = tempDataDir();
  const people: TestParticipant[] = [];
  let server: ServerProcess | null = null;
  let port = 0;
  afterAll(async () => {
    for (const p of people) p.close();
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    port ||= await freePort();
    server = await startServerProcess({ DATA_DIR: dataDir, PORT: String(port) });
    return server.url;
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const running = server!;
    running.child.kill(signal);
    const code = await running.exited;
    server = null;
    return code;
  };
  const resume = async (url: string, code: string, before: TestParticipant) => {
    const back = await join(url, { code, resumeToken: before.resumeToken }, `${before.label} again`);
    people.push(back);
    return back;
  };

  it('[ST-1][ST-2][ST-3] SIGTERM, then kill -9 mid-session: same seats, every acknowledged card, seats not back shown away, and a deadline pending at the kill fires after the restart', {
    // Three starts of a server process: generous on a busy machine.
    timeout: 120_000,
  }, async () => {
    let url = await start();
    const { code, facilitatorKey } = await createRoom(url, { template: 'codev' });
    const facilitator = await join(url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! }, 'F');
    const client = await join(url, { code, name: 'Claire' }, 'C');
    const anne = await join(url, { code, name: 'Anne' }, 'A');
    const bruno = await join(url, { code, name: 'Bruno' }, 'B');
    people.push(facilitator, client, anne, bruno);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    await anne.must({ type: 'post_card', kind: 'question', text: 'Before the SIGTERM' });
    const phaseBefore = facilitator.view!.phaseIndex;
    const timerBefore = facilitator.view!.timer;

    // 1. SIGTERM between two commands.
    expect(await stop('SIGTERM')).toBe(0);
    url = await start();
    const f1 = await resume(url, code, facilitator);
    const c1 = await resume(url, code, client);
    const a1 = await resume(url, code, anne);
    expect([f1.participantId, c1.participantId, a1.participantId]).toEqual([
      facilitator.participantId,
      client.participantId,
      anne.participantId,
    ]);
    expect(c1.seat?.role).toBe('client');
    expect(a1.seat?.displayName).toBe('Anne');
    expect(f1.view!.phaseIndex).toBe(phaseBefore);
    expect(f1.view!.timer).toEqual(timerBefore);
    expect(Object.values(f1.view!.cards).map((c) => c.text)).toContain('Before the SIGTERM');

    // 2. kill -9 while commands are in flight: every acknowledged one is there after the restart.
    const acked: string[] = [];
    const sends = Array.from({ length: 30 }, (_, i) =>
      a1.send({ type: 'post_card', kind: 'question', text: `In flight ${i}` }).then(
        (ack) => {
          if (ack.ok) acked.push(`In flight ${i}`);
        },
        () => {}, // no answer: the process died first
      ),
    );
    await expect.poll(() => acked.length, { timeout: 10_000 }).toBeGreaterThan(3);
    // The phase timer is brought to 1.5 s from now (auto-advance off, so time up shows as overtime).
    await f1.send({ type: 'set_auto_advance', enabled: false });
    const timer = f1.view!.timer!;
    const remaining = timer.startedAt + timer.durationMs + timer.pausedTotalMs - Date.now();
    await f1.reach(await f1.must({ type: 'add_time', ms: -Math.round(remaining - 1_500) }));
    expect(f1.view!.timer!.expiredAt).toBeNull();
    expect(await stop('SIGKILL')).toBeNull();
    await Promise.all(sends);

    url = await start();
    const f2 = await resume(url, code, facilitator);
    const a2 = await resume(url, code, anne);
    const texts = Object.values(f2.view!.cards).map((c) => c.text);
    for (const text of acked) expect(texts).toContain(text);
    expect(texts).toContain('Before the SIGTERM');
    expect(a2.participantId).toBe(anne.participantId);
    // Those not back yet are shown away (their seats kept for the grace period), not still connected.
    expect(f2.view!.participants[client.participantId]).toMatchObject({ presence: 'away', role: 'client' });
    expect(f2.view!.participants[bruno.participantId]?.presence).toBe('away');
    // Anne's resume reaches the facilitator as a patch: wait for it rather than read the view at once.
    await expect.poll(() => f2.view!.participants[anne.participantId]?.presence).toBe('connected');
    // The pending deadline (1 s away at the kill) was re-armed from the database: it fires once, on time.
    await expect.poll(() => f2.view!.timer?.expiredAt ?? null, { timeout: 5_000 }).not.toBeNull();
    // And the room goes on.
    await a2.must({ type: 'post_card', kind: 'question', text: 'After the kill' });
    expect(await stop('SIGTERM')).toBe(0);
  });
});
