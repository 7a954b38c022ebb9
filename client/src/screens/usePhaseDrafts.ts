import type { Command } from '@cercle/shared';
import { useEffect } from 'preact/hooks';
import { sendCommand } from '../net/connection.js';
import { can } from '../state/derived.js';
import { view } from '../state/session.js';
import { justCreated, type PhaseDraft } from './RoomPage.js';

/**
 * A custom method's phases, as shaped on the home page, are applied in the lobby with the phase commands
 * (the rooms API creates the method as it is). Sent one after the other, each waiting for its ack, so the
 * indexes are those of the previous step.
 */
export function usePhaseDrafts(): void {
  const v = view.value;
  const drafts = justCreated.value?.phaseDrafts;
  const ready = Boolean(
    v && drafts && v.status === 'lobby' && v.code === justCreated.value?.code && can('edit_phase'),
  );
  useEffect(() => {
    if (!ready || !v || !drafts || !justCreated.value) return;
    justCreated.value = { ...justCreated.value, phaseDrafts: undefined };
    void applyDrafts(v.phases, drafts);
  }, [ready]);
}

async function applyDrafts(
  current: { id: string; name: { fr: string; en: string }; durationMs: number }[],
  drafts: PhaseDraft[],
) {
  const wanted = new Set(drafts.map((d) => d.id));
  const existing = new Map(current.map((p) => [p.id, p]));
  const commands: Command[] = [];
  for (const phase of current)
    if (!wanted.has(phase.id)) commands.push({ type: 'remove_phase', phaseId: phase.id });
  drafts.forEach((draft, index) => {
    const before = existing.get(draft.id);
    const durationMs = draft.minutes * 60_000;
    if (!before) {
      commands.push({ type: 'add_phase', index, name: draft.name, durationMs });
      return;
    }
    commands.push({ type: 'move_phase', phaseId: draft.id, toIndex: index });
    const renamed = before.name.fr !== draft.name.fr || before.name.en !== draft.name.en;
    if (renamed || before.durationMs !== durationMs) {
      commands.push({
        type: 'edit_phase',
        phaseId: draft.id,
        ...(renamed ? { name: draft.name } : {}),
        durationMs,
      });
    }
  });
  for (const command of commands) await sendCommand(command);
}
