import { type StatementKind, statementField } from '@cercle/shared';
import { formatNumber, loc, t } from '../i18n/index.js';
import { tr } from '../i18n/words.js';
import { leaveRoom } from '../net/connection.js';
import { ActionPlanPanel } from '../panels/ActionPlanPanel.js';
import { DraftShelf } from '../panels/DraftShelf.js';
import { FailureToasts } from '../panels/FailureToasts.js';
import { LogbookPanel } from '../panels/LogbookPanel.js';
import { TimeChart } from '../panels/TimeChart.js';
import { ConnectionBanner, TopBar } from '../panels/TopBar.js';
import { logbookMarkdown } from '../record/markdown.js';
import { RecordDownloads } from '../record/RecordDownloads.js';
import { nameOf } from '../state/derived.js';
import { displayCode, navigate } from '../state/route.js';
import { endReason, mine, roomCode, stage, view } from '../state/session.js';
import { downloadText } from '../ui/download.js';
import { Icon } from '../ui/Icon.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';

/** After the end: what each takes away, printable, with planned against actual time. */
export function RecordScreen() {
  const v = view.value;
  if (!v) return null;
  const title = v.title || loc(v.template.name);
  const purged = endReason.value === 'purged';
  const kept = Object.values(v.cards)
    .filter((c) => c.status === 'kept')
    .sort((a, b) => a.createdAt - b.createdAt);
  // RD-2: what was set aside stays on the record too, with who wrote it (never an anonymous author).
  const setAside = Object.values(v.cards)
    .filter((c) => c.status === 'set_aside' && (c.kind === 'suggestion' || c.kind === 'option'))
    .sort((a, b) => a.createdAt - b.createdAt);
  const authorOf = (c: (typeof setAside)[number]) =>
    c.anonymous || !c.authorId ? t().board.anonymousAuthor : nameOf(c.authorId);
  // Only methods where someone sorts the cards have "kept suggestions" to show.
  const triage = v.phases.some((p) => p.records.some((r) => r.record === 'card_triage'));
  const statements = Object.entries(v.statements).filter(([, s]) => s);
  const learnings = Object.values(v.learnings).sort((a, b) => a.at - b.at);
  const evaluations = Object.values(v.evaluations);
  const hasLogbook = Object.keys(mine.value?.logbook ?? {}).length > 0;
  return (
    <>
      {stage.value === 'in_room' ? (
        <>
          <TopBar />
          <ConnectionBanner />
        </>
      ) : (
        // No seat any more (the room was erased): just the name of the place and the language.
        <header class="topbar">
          <span class="brand">{t().appName}</span>
          <span class="code-chip">{displayCode(roomCode.value)}</span>
          <span class="title">{v.title ?? ''}</span>
          <span class="spacer" />
          <LanguageSwitch />
        </header>
      )}
      <main id="main" class="page">
        <section class="panel" aria-labelledby="record-title" data-testid="record">
          <p class="hint">
            {t().templates[v.template.id]} · {t().room.ended}
          </p>
          <h1 id="record-title">
            {t().record.title} · {title}
          </h1>
          {purged ? (
            <p class="notice no-print" role="status" data-testid="purged-notice">
              {t().record.purgedWarning}
            </p>
          ) : (
            <p class="hint no-print">{t().record.keepWarning}</p>
          )}
          <div class="actions-row no-print">
            <RecordDownloads primary />
            <button type="button" onClick={() => window.print()}>
              <Icon name="print" /> {t().record.print}
            </button>
            {hasLogbook && (
              <button
                type="button"
                data-testid="download-logbook"
                onClick={() =>
                  downloadText(`${t().record.logbookFile}-${roomCode.value}.md`, logbookMarkdown())
                }
              >
                <Icon name="book" /> {t().record.downloadLogbook}
              </button>
            )}
            <button
              type="button"
              class="ghost"
              onClick={() => {
                leaveRoom();
                navigate('/');
              }}
            >
              {t().record.newRoom}
            </button>
          </div>

          {statements.map(([kind, s]) => (
            <div key={kind} class="field">
              <h2>{tr().fields[statementField(v.template.id, kind as StatementKind)].title}</h2>
              <p class="request">{s?.text}</p>
            </div>
          ))}

          {(['objective', 'indicator'] as const).map((kind) => {
            const cards = Object.values(v.cards).filter((c) => c.kind === kind && c.status !== 'set_aside');
            if (cards.length === 0) return null;
            return (
              <div key={kind}>
                <h2>{t().cardKinds[kind]}</h2>
                <ul class="record-list">
                  {cards.map((c) => (
                    <li key={c.id}>
                      {c.text}
                      {Object.values(v.indicatorReviews[c.id] ?? {}).map((review) => (
                        <span key={review.reviewerId} class="badge">
                          {v.participants[review.reviewerId]?.displayName ?? ''}:{' '}
                          {t().indicators[review.verdict]}
                        </span>
                      ))}
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}

          {(triage || kept.length > 0) && (
            <>
              <h2>{t().record.kept}</h2>
              {kept.length === 0 ? (
                <p class="hint">{t().record.noneKept}</p>
              ) : (
                <ul class="record-list" data-testid="kept-cards">
                  {kept.map((c) => (
                    <li key={c.id}>
                      {c.text} <span class="hint">— {authorOf(c)}</span>
                    </li>
                  ))}
                </ul>
              )}
              {setAside.length > 0 && (
                <>
                  <h2>{tr().download.setAside}</h2>
                  <ul class="record-list" data-testid="set-aside-cards">
                    {setAside.map((c) => (
                      <li key={c.id}>
                        {c.text} <span class="hint">— {authorOf(c)}</span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
        </section>
        <ActionPlanPanel />
        {learnings.length > 0 && (
          <section class="panel">
            <h2>{t().record.learnings}</h2>
            <ul class="record-list">
              {learnings.map((l) => (
                <li key={l.id}>
                  {l.text} <span class="hint">— {nameOf(l.authorId)}</span>
                </li>
              ))}
            </ul>
            {evaluations.length > 0 && (
              <p class="hint">
                {t().record.evaluation}
                {t().colon}
                {t().learning.average(
                  formatNumber(evaluations.reduce((s, e) => s + e.rating, 0) / evaluations.length),
                  evaluations.length,
                )}
              </p>
            )}
          </section>
        )}
        <TimeChart />
        <div class="no-print">
          {/* Words never sent before the end wait here, to copy into the logbook and take away (PG-1). */}
          <DraftShelf />
          <LogbookPanel />
        </div>
      </main>
      <FailureToasts />
    </>
  );
}
