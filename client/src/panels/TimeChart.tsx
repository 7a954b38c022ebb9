import { loc, t } from '../i18n/index.js';
import { view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

type Row = { label: string; plannedMs: number; actualMs: number };

/** Planned against actual minutes per phase (and per round in peer coaching), as an SVG bar chart. */
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
      rows.push({ label: `${rounds.length > 1 ? `${round}·` : ''}${loc(phase.name)}`, plannedMs, actualMs });
    });
  }
  const max = Math.max(1, ...rows.flatMap((r) => [r.plannedMs, r.actualMs]));
  const labelW = 170;
  const barW = 300;
  const rowH = 34;
  const height = rows.length * rowH + 28;
  const mins = (ms: number) => Math.round(ms / 60_000);
  return (
    <section class="panel" aria-labelledby="chart-title">
      <h2 id="chart-title">
        <Icon name="clock" /> {t().record.timeChart}
      </h2>
      <svg
        class="chart"
        viewBox={`0 0 ${labelW + barW + 70} ${height}`}
        role="img"
        aria-labelledby="chart-title chart-desc"
      >
        <title>{t().record.timeChart}</title>
        <desc id="chart-desc">
          {rows.map((r) => t().record.chartRow(r.label, mins(r.plannedMs), mins(r.actualMs))).join('. ')}
        </desc>
        {rows.map((r, i) => {
          const y = i * rowH + 4;
          const plannedW = (r.plannedMs / max) * barW;
          const actualW = Math.max(1, (r.actualMs / max) * barW);
          return (
            <g key={r.label}>
              <text x={0} y={y + 19}>
                {r.label.length > 24 ? `${r.label.slice(0, 23)}…` : r.label}
              </text>
              <rect class="planned" x={labelW} y={y + 2} width={plannedW} height={12} rx={2} />
              <rect
                class={`actual ${r.actualMs > r.plannedMs ? 'over' : ''}`}
                x={labelW}
                y={y + 15}
                width={actualW}
                height={12}
                rx={2}
              />
              <text x={labelW + Math.max(plannedW, actualW) + 6} y={y + 19}>
                {mins(r.actualMs)}/{mins(r.plannedMs)}
              </text>
            </g>
          );
        })}
        <g transform={`translate(${labelW}, ${height - 12})`}>
          <rect class="planned" x={0} y={-9} width={12} height={10} />
          <text class="legend" x={16} y={0}>
            {t().record.plannedBar}
          </text>
          <rect class="actual" x={90} y={-9} width={12} height={10} />
          <text class="legend" x={106} y={0}>
            {t().record.actualBar}
          </text>
        </g>
      </svg>
    </section>
  );
}
