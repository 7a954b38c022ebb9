import { loc, t } from '../i18n/index.js';
import { view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

type Row = { key: string; label: string; plannedMs: number; actualMs: number };

/**
 * Planned against actual minutes per phase (and per round in peer coaching). Plain HTML bars, so the
 * labels stay readable at phone width; widths go through the CSSOM (style props), which a strict CSP allows.
 */
export function TimeChart() {
  const v = view.value;
  if (!v || v.phaseHistory.length === 0) return null;
  const rows: Row[] = [];
  const rounds = v.template.swap ? [1, 2] : [1];
  for (const round of rounds) {
    v.phases.forEach((phase, index) => {
      const runs = v.phaseHistory.filter((r) => r.index === index && r.coachingRound === round);
      if (runs.length === 0) return;
      const actualMs = runs.reduce(
        (sum, r) => sum + Math.max(0, (r.endedAt ?? r.startedAt) - r.startedAt),
        0,
      );
      const plannedMs = runs[0]?.plannedMs ?? phase.durationMs;
      const label = `${rounds.length > 1 ? `${t().room.round(round)} · ` : ''}${loc(phase.name)}`;
      rows.push({ key: `${round}-${index}`, label, plannedMs, actualMs });
    });
  }
  const max = Math.max(1, ...rows.flatMap((r) => [r.plannedMs, r.actualMs]));
  const pct = (ms: number) => `${Math.max(0.5, (ms / max) * 100).toFixed(1)}%`;
  const mins = (ms: number) => Math.round(ms / 60_000);
  return (
    <section class="panel" aria-labelledby="chart-title">
      <h2 id="chart-title">
        <Icon name="clock" /> {t().record.timeChart}
      </h2>
      <p class="chart-legend" aria-hidden="true">
        <span class="swatch planned" /> {t().record.plannedBar} <span class="swatch actual" />{' '}
        {t().record.actualBar}
      </p>
      {/* The picture is named as a whole; its rows stay a real list inside it (axe: listitem). */}
      <div role="img" aria-label={t().record.timeChart}>
        <ul class="time-chart">
          {rows.map((r) => (
            <li key={r.key} aria-label={t().record.chartRow(r.label, mins(r.plannedMs), mins(r.actualMs))}>
              <span class="chart-label">{r.label}</span>
              <span class="bars" aria-hidden="true">
                <span class="bar planned" style={{ width: pct(r.plannedMs) }} />
                <span
                  class={`bar actual ${r.actualMs > r.plannedMs ? 'over' : ''}`}
                  style={{ width: pct(r.actualMs) }}
                />
              </span>
              <span class="chart-figures">
                {mins(r.actualMs)} / {mins(r.plannedMs)} min
              </span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
