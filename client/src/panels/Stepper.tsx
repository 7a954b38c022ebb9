import { useEffect, useRef } from 'preact/hooks';
import { loc, t } from '../i18n/index.js';
import { nowTick } from '../state/clock.js';
import { view } from '../state/session.js';

/** Actual time spent in a phase this round, from the room's phase history (going back adds up). */
export function elapsedIn(index: number, round: number, now: number): number {
  const v = view.value;
  if (!v) return 0;
  return v.phaseHistory
    .filter((run) => run.index === index && run.coachingRound === round)
    .reduce((sum, run) => sum + Math.max(0, (run.endedAt ?? now) - run.startedAt), 0);
}

const minutes = (ms: number) => Math.round(ms / 60_000);

/** Every phase, the current one, and planned against elapsed minutes. */
export function Stepper() {
  const v = view.value;
  const list = useRef<HTMLOListElement>(null);
  const index = v?.phaseIndex ?? 0;
  // Keep the current phase in sight in a narrow window (scrolls the strip only, never the page).
  useEffect(() => {
    const ol = list.current;
    const li = ol?.children[index] as HTMLElement | undefined;
    if (ol && li) ol.scrollLeft = Math.max(0, li.offsetLeft - ol.offsetLeft - 8);
  }, [index, v?.status]);
  if (!v) return null;
  const now = nowTick.value;
  const running = v.status !== 'lobby';
  return (
    <nav aria-label={t().room.stepper} class="no-print">
      {/* Focusable: a narrow window scrolls the strip sideways, and a keyboard must be able to as well. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region is reached by keyboard (WCAG 2.1.1) */}
      <ol class="stepper" ref={list} tabIndex={0}>
        {v.phases.map((phase, i) => {
          const current = running && i === v.phaseIndex && v.status === 'running';
          const done = v.status === 'ended' || (running && i < v.phaseIndex);
          const elapsed = elapsedIn(i, v.coachingRound, now);
          const over = elapsed > phase.durationMs;
          const cls = [current ? 'current' : '', done ? 'done' : '', over && (current || done) ? 'over' : '']
            .filter(Boolean)
            .join(' ');
          return (
            <li key={`${phase.id}-${i}`} class={cls} aria-current={current ? 'step' : undefined}>
              <span class="pn">
                <span class="n">{i + 1}.</span> {loc(phase.name)}
              </span>
              <span class="times">
                {current || done
                  ? `${minutes(elapsed)} / ${minutes(phase.durationMs)} min`
                  : `${minutes(phase.durationMs)} min ${t().room.planned}`}
              </span>
              {current && <span class="sr-only">{t().room.current}</span>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
