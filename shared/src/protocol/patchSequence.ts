import { applyPatch, type ViewPatch } from '../engine/patch.js';

type SequencedPatch = { from: number; to: number; patch: ViewPatch };

/**
 * Keeps a view in version order. Patches from two nodes can arrive out of order: one that comes early
 * waits for those before it instead of being dropped, and a snapshot never moves the view backwards.
 * Used by the page and by the test clients alike.
 */
export class PatchSequence<V> {
  private readonly early = new Map<number, SequencedPatch>();
  version = -1;
  view: V | null = null;

  /** A snapshot: taken unless older than what is already shown (`force` for a fresh seat). */
  takeSnapshot(version: number, view: V, force = false): boolean {
    if (!force && version < this.version) return false;
    if (force) this.early.clear();
    this.version = version;
    this.view = view;
    this.drain();
    return true;
  }

  /** `applied` (the view moved), `old` (already had it) or `gap` (kept until what comes before it arrives). */
  receive(patch: SequencedPatch): 'applied' | 'old' | 'gap' {
    if (patch.to <= this.version) return 'old';
    if (this.view === null || patch.from !== this.version) {
      this.early.set(patch.from, patch);
      return 'gap';
    }
    this.apply(patch);
    this.drain();
    return 'applied';
  }

  /** True while some patch waits for one that has not come. */
  get hasGap(): boolean {
    return this.early.size > 0;
  }

  private apply(patch: SequencedPatch): void {
    this.view = applyPatch(this.view as V, patch.patch);
    this.version = patch.to;
  }

  private drain(): void {
    for (const [from, patch] of this.early) if (patch.to <= this.version) this.early.delete(from);
    for (let next = this.early.get(this.version); next; next = this.early.get(this.version)) {
      this.early.delete(next.from);
      this.apply(next);
    }
  }
}
