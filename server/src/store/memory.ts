import type { Decision, Room } from '@cercle/shared';
import {
  type AppliedListener,
  type ApplyResult,
  checkStepResult,
  type DueTimer,
  parseTimerMember,
  type RoomHeader,
  type RoomStore,
  type StepDecision,
  type StoredRoom,
  TIMER_LEASE_MS,
  tellApplied,
  timerChanges,
  timerMember,
} from './interface.js';
import { headerOfRoom } from './roomFields.js';

export type MemoryRoomStoreOptions = {
  /** Rooms expire after this long without a write (ROOM_TTL_SECONDS). Default 86,400. */
  ttlSeconds?: number;
  /** How long a claimed timer stays with its claimer (TM-10). Default TIMER_LEASE_MS. */
  leaseMs?: number;
  /** Epoch ms; tests pass a fake clock. Default Date.now. */
  clock?: () => number;
  /** How often expired rooms are swept from memory; 0 disables the sweep. Default 60,000. */
  sweepIntervalMs?: number;
};

/** `ids`: every command id applied to the room, with its fingerprint (SR-1); `header`: SR-7. */
type Entry = {
  json: string;
  version: number;
  header: RoomHeader;
  ids: Map<string, string>;
  expiresAt: number;
};

/**
 * The embedded default: one node, one process. Rooms are kept as JSON text, so what `load` returns is
 * a fresh copy (as from Redis) and no caller can alter the stored room by mutating an object.
 * Every method body runs without an await between its read and its write, so each apply is atomic.
 */
export class MemoryRoomStore<R extends StoredRoom = Room, D extends StepDecision = Decision>
  implements RoomStore<R, D>
{
  readonly kind = 'memory' as const;
  private readonly rooms = new Map<string, Entry>();
  private readonly timers = new Map<string, number>();
  private readonly listeners = new Set<(at: number) => void>();
  private readonly appliedListeners = new Set<AppliedListener<R, D>>();
  private readonly ttlMs: number;
  private readonly leaseMs: number;
  private readonly clock: () => number;
  private readonly sweep: NodeJS.Timeout | null;

  constructor(options: MemoryRoomStoreOptions = {}) {
    this.ttlMs = (options.ttlSeconds ?? 86_400) * 1000;
    this.leaseMs = options.leaseMs ?? TIMER_LEASE_MS;
    this.clock = options.clock ?? Date.now;
    const sweepMs = options.sweepIntervalMs ?? 60_000;
    this.sweep = sweepMs > 0 ? setInterval(() => this.sweepExpired(), sweepMs) : null;
    this.sweep?.unref();
  }

  async create(room: R): Promise<boolean> {
    if (this.live(room.code)) return false;
    this.rooms.set(room.code, {
      json: JSON.stringify(room),
      version: room.version,
      header: headerOfRoom(room),
      ids: new Map(),
      expiresAt: this.clock() + this.ttlMs,
    });
    return true;
  }

  async load(code: string): Promise<R | null> {
    const entry = this.live(code);
    return entry ? (JSON.parse(entry.json) as R) : null;
  }

  async entries<K extends keyof R & string>(code: string, map: K): Promise<R[K] | null> {
    const entry = this.live(code);
    return entry ? ((JSON.parse(entry.json) as R)[map] ?? ({} as R[K])) : null;
  }

  async header(code: string): Promise<RoomHeader | null> {
    const entry = this.live(code);
    return entry ? { ...entry.header } : null;
  }

  async apply(
    code: string,
    commandId: string | null,
    step: (room: R) => D,
    fingerprint = '',
  ): Promise<ApplyResult<R, D>> {
    const entry = this.live(code);
    if (!entry) return { status: 'not_found' };
    const seen = commandId === null ? undefined : entry.ids.get(commandId);
    if (seen !== undefined)
      return seen === fingerprint ? { status: 'duplicate', version: entry.version } : { status: 'reused' };
    const before = JSON.parse(entry.json) as R;
    const decision = step(before);
    if (!decision.ok) {
      const refusal = decision as Extract<D, { ok: false }>;
      return { status: 'refused', code: refusal.code, message: refusal.message };
    }
    checkStepResult(before, decision.room);
    entry.json = JSON.stringify(decision.room);
    entry.version = decision.room.version;
    entry.header = headerOfRoom(decision.room);
    entry.expiresAt = this.clock() + this.ttlMs;
    if (commandId !== null) entry.ids.set(commandId, fingerprint);
    const timers = timerChanges(code, [decision]);
    for (const member of timers.cancel) this.timers.delete(member);
    for (const [member, at] of timers.schedule) this.setMember(member, at);
    const applied = decision as Extract<D, { ok: true }>;
    const handled = tellApplied(this.appliedListeners, code, { before, decisions: [applied] });
    return handled === undefined
      ? { status: 'applied', before, decision: applied }
      : { status: 'applied', before, decision: applied, handled };
  }

  async touch(code: string): Promise<boolean> {
    const entry = this.live(code);
    if (!entry) return false;
    entry.expiresAt = this.clock() + this.ttlMs;
    return true;
  }

  async purge(code: string): Promise<void> {
    this.drop(code);
  }

  async scheduleTimer(code: string, timerId: string, at: number): Promise<void> {
    if (this.live(code)) this.setTimer(code, timerId, at);
  }

  async claimDueTimers(now: number, limit: number): Promise<DueTimer[]> {
    const due: DueTimer[] = [];
    for (const [member, at] of this.timers) {
      if (at > now) continue;
      const timer = parseTimerMember(member, at);
      if (this.live(timer.code)) due.push(timer);
      else this.timers.delete(member);
    }
    due.sort((a, b) => a.at - b.at);
    const claimed = due.slice(0, Math.max(0, limit));
    for (const timer of claimed) this.timers.set(timerMember(timer.code, timer.timerId), now + this.leaseMs);
    return claimed;
  }

  async cancelTimer(code: string, timerId: string): Promise<void> {
    this.timers.delete(timerMember(code, timerId));
  }

  /** When the room expires unless written or touched before (epoch ms); null when there is none. */
  expiresAt(code: string): number | null {
    return this.live(code)?.expiresAt ?? null;
  }

  onTimerScheduled(listener: (at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onApplied(listener: AppliedListener<R, D>): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  async commandsStored(code: string, commands: readonly { id: string; fingerprint: string }[]) {
    const ids = this.live(code)?.ids;
    return commands.map(({ id, fingerprint }) => ids?.get(id) === fingerprint);
  }

  async versions(codes: readonly string[]): Promise<(number | null)[]> {
    return codes.map((code) => this.live(code)?.version ?? null);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    this.listeners.clear();
    this.appliedListeners.clear();
  }

  private setTimer(code: string, timerId: string, at: number) {
    this.setMember(timerMember(code, timerId), at);
  }

  private setMember(member: string, at: number) {
    this.timers.set(member, at);
    for (const listener of this.listeners) listener(at);
  }

  /** The room's entry unless it is absent or expired (an expired room is dropped on sight). */
  private live(code: string): Entry | null {
    const entry = this.rooms.get(code);
    if (!entry) return null;
    if (entry.expiresAt > this.clock()) return entry;
    this.drop(code);
    return null;
  }

  private drop(code: string) {
    this.rooms.delete(code);
    const prefix = timerMember(code, '');
    for (const member of this.timers.keys()) if (member.startsWith(prefix)) this.timers.delete(member);
  }

  private sweepExpired() {
    const now = this.clock();
    for (const [code, entry] of this.rooms) if (entry.expiresAt <= now) this.drop(code);
  }
}
