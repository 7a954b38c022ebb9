import type {
  CirclePublicFacts,
  CircleSessionView,
  CircleView,
  FollowUpItem,
  FollowUpStatus,
  SessionKind,
} from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { adoptRoomLocale, formatDateTime } from '../i18n/index.js';
import { newLogbookSecret } from '../logbook/crypto.js';
import { adoptCircleSecret, adoptCircleSecretsForRoom } from '../logbook/keys.js';
import { saveSeat } from '../net/storage.js';
import { navigate, roomPath } from '../state/route.js';
import { CopyButton } from '../ui/CopyButton.js';
import { downloadText, slug } from '../ui/download.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';
import { QrCode } from '../ui/QrCode.js';
import { CircleApiError, circleApi } from './api.js';
import { CircleLogbook, LinkKeyWarning } from './CircleLogbook.js';
import { FollowUpMarkForm, followUpMark } from './FollowUpMarkForm.js';
import { circleLink, forgetSecret, memberLogbookSecret, saveSecret, takeSecretFromHash } from './storage.js';
import { ct } from './texts.js';

const errorText = (error: unknown) =>
  error instanceof CircleApiError && error.code ? ct().errors[error.code] : ct().errors.unreachable;

/** `/c/<circleId>`: a circle's page, for its facilitator, a member, or someone joining (CI-*). */
export function CirclePage({ circleId }: { circleId: string }) {
  const secret = useSignal<string | null>(null);
  const facts = useSignal<CirclePublicFacts | null>(null);
  const view = useSignal<CircleView | null>(null);
  const error = useSignal<string | null>(null);
  const done = useSignal<string | null>(null);
  const loaded = useSignal(false);

  const refresh = async () => {
    if (!secret.value) return;
    try {
      view.value = await circleApi.view(circleId, secret.value);
      adoptRoomLocale(view.value.locale);
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
      if (e instanceof CircleApiError && e.code === 'circle_not_found') view.value = null;
    }
  };

  useEffect(() => {
    secret.value = takeSecretFromHash(circleId);
    void (async () => {
      try {
        facts.value = await circleApi.facts(circleId);
        adoptRoomLocale(facts.value.locale);
      } catch (e) {
        error.value = errorText(e);
      }
      await refresh();
      loaded.value = true;
    })();
  }, [circleId]);

  // Run an action, then show the circle as it is now (or the refusal in words).
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      error.value = null;
    } catch (e) {
      error.value = errorText(e);
    }
    await refresh();
  };

  const v = view.value;
  return (
    <main class="circle-page">
      <header class="bar">
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          {ct().home}
        </a>
        <LanguageSwitch />
      </header>
      {!loaded.value && <p>{ct().loading}</p>}
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {done.value && <p role="status">{done.value}</p>}
      {loaded.value && !v && facts.value && !done.value && (
        <JoinCircle
          circleId={circleId}
          facts={facts.value}
          onJoined={async (s) => {
            saveSecret(circleId, s);
            // A new member: a new logbook secret, made here and kept in their link only (LG-7).
            adoptCircleSecret(circleId, newLogbookSecret());
            secret.value = s;
            await refresh();
          }}
        />
      )}
      {v && secret.value && (
        <CircleBody
          view={v}
          secret={secret.value}
          circleId={circleId}
          act={act}
          onGone={(message) => {
            forgetSecret(circleId);
            secret.value = null;
            view.value = null;
            facts.value = null;
            done.value = message;
          }}
        />
      )}
    </main>
  );
}

function JoinCircle({
  circleId,
  facts,
  onJoined,
}: {
  circleId: string;
  facts: CirclePublicFacts;
  onJoined: (secret: string) => Promise<void>;
}) {
  const name = useSignal('');
  const role = useSignal<'coachee' | 'sponsor'>('coachee');
  const error = useSignal<string | null>(null);
  return (
    <section class="panel">
      <h1>{facts.title}</h1>
      <p>
        {ct().kinds[facts.kind]} · {ct().membersCount(facts.members)} · {ct().sessionsCount(facts.sessions)}
      </p>
      <h2>{ct().joinTitle}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const joined = await circleApi.join(
              circleId,
              name.value.trim(),
              facts.kind === 'tripartite' ? role.value : undefined,
            );
            await onJoined(joined.secret);
          } catch (err) {
            error.value = errorText(err);
          }
        }}
      >
        <label>
          {ct().yourName}
          <input
            required
            maxLength={40}
            value={name.value}
            onInput={(e) => (name.value = e.currentTarget.value)}
          />
        </label>
        {facts.kind === 'tripartite' && (
          <label>
            {ct().party}
            <select
              value={role.value}
              onChange={(e) => (role.value = e.currentTarget.value as 'coachee' | 'sponsor')}
            >
              <option value="coachee">{ct().parties.coachee}</option>
              <option value="sponsor">{ct().parties.sponsor}</option>
            </select>
          </label>
        )}
        <button type="submit">{ct().join}</button>
        {error.value && <p role="alert">{error.value}</p>}
      </form>
    </section>
  );
}

type BodyProps = {
  view: CircleView;
  secret: string;
  circleId: string;
  act: (work: () => Promise<unknown>) => Promise<void>;
  onGone: (message: string) => void;
};

function CircleBody({ view, secret, circleId, act, onGone }: BodyProps) {
  const facilitator = view.viewer.role === 'facilitator';
  const myId = view.viewer.role === 'member' ? view.viewer.memberId : null;
  const nameOf = (id: string | null) => view.members.find((m) => m.id === id)?.name ?? '—';
  const link = circleLink(circleId, secret, myId ? memberLogbookSecret(circleId) : null);
  const issued = useSignal<{ name: string; link: string } | null>(null);

  const enter = async (number: number) => {
    try {
      const seat = await circleApi.enter(circleId, secret, number);
      const me = myId ? nameOf(myId) : '';
      saveSeat(seat.code, { resumeToken: seat.resumeToken, participantId: seat.participantId, name: me });
      // The session's seat seals with the member's circle secrets, so the notes follow them (LG-7).
      if (myId) adoptCircleSecretsForRoom(seat.code, circleId);
      navigate(roomPath(seat.code));
    } catch (e) {
      await act(() => Promise.reject(e));
    }
  };

  return (
    <>
      <h1>{view.title}</h1>
      <p>
        {ct().kinds[view.kind]} · {ct().membersCount(view.members.length)} ·{' '}
        {ct().sessionsCount(view.sessions.length)}
      </p>

      <section class="panel" aria-labelledby="circle-link">
        <h2 id="circle-link">{facilitator ? ct().facilitatorLink : ct().yourLink}</h2>
        {!facilitator && <p class="hint">{ct().yourLinkHint}</p>}
        {view.viewer.role === 'member' && (
          <LinkKeyWarning circleId={circleId} title={view.title} entries={view.viewer.logbook} />
        )}
        <p>
          <CopyButton text={link} label={ct().copyLink} visible={ct().copyLink} />
        </p>
        <QrCode text={link} label={ct().qr} size={120} />
      </section>

      {facilitator && (
        <section class="panel" aria-labelledby="circle-invite">
          <h2 id="circle-invite">{ct().inviteTitle}</h2>
          <p class="hint">{ct().inviteHint}</p>
          <p>
            <code>{`${window.location.origin}/c/${circleId}`}</code>{' '}
            <CopyButton text={`${window.location.origin}/c/${circleId}`} label={ct().inviteTitle} />
          </p>
        </section>
      )}

      <section class="panel" aria-labelledby="circle-members">
        <h2 id="circle-members">{ct().members}</h2>
        <ul class="card-list">
          {view.members.map((m) => (
            <li key={m.id} class="card">
              <span>{m.name}</span>
              {m.role && <span class="badge">{ct().parties[m.role]}</span>}
              {facilitator && (
                <span class="actions">
                  <button
                    type="button"
                    class="small"
                    aria-label={ct().newLinkFor(m.name)}
                    onClick={() =>
                      act(async () => {
                        const fresh = await circleApi.reissue(circleId, secret, m.id);
                        // A new link, a new logbook secret: made here, never sent (LG-7).
                        issued.value = { name: m.name, link: `${fresh.link}&lk=${newLogbookSecret()}` };
                      })
                    }
                  >
                    {ct().newLink}
                  </button>
                  <button
                    type="button"
                    class="small"
                    aria-label={`${ct().remove} ${m.name}`}
                    onClick={() => {
                      if (window.confirm(ct().removeConfirm(m.name)))
                        void act(() => circleApi.remove(circleId, secret, m.id));
                    }}
                  >
                    {ct().remove}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
        {issued.value && (
          <div class="issued" role="status">
            <p>{ct().newLinkFor(issued.value.name)}</p>
            <p class="hint">{ct().reissueKey}</p>
            <p>
              <code class="link">{issued.value.link}</code>{' '}
              <CopyButton text={issued.value.link} label={ct().copyLink} />
            </p>
            <QrCode text={issued.value.link} label={ct().memberQr(issued.value.name)} size={120} />
          </div>
        )}
      </section>

      <NextSession
        view={view}
        facilitator={facilitator}
        nameOf={nameOf}
        act={act}
        circleId={circleId}
        secret={secret}
        enter={enter}
      />

      <FollowUps view={view} myId={myId} nameOf={nameOf} act={act} circleId={circleId} secret={secret} />

      {view.viewer.role === 'member' && (
        <CircleLogbook circleId={circleId} title={view.title} entries={view.viewer.logbook} />
      )}

      <History sessions={view.sessions} nameOf={nameOf} followUps={[...view.followUps, ...view.done]} />

      {facilitator && (
        <section class="panel" aria-labelledby="circle-export">
          <h2 id="circle-export">{ct().exportTitle}</h2>
          <button
            type="button"
            onClick={() =>
              act(async () => {
                const text = (await circleApi.export(circleId, secret, 'md')) as string;
                downloadText(`${slug(view.title)}.md`, text);
              })
            }
          >
            {ct().exportMd}
          </button>{' '}
          <button
            type="button"
            onClick={() =>
              act(async () => {
                const file = await circleApi.export(circleId, secret, 'json');
                downloadText(`${slug(view.title)}.json`, JSON.stringify(file, null, 2), 'application/json');
              })
            }
          >
            {ct().exportJson}
          </button>
        </section>
      )}

      {facilitator ? (
        <section class="panel" aria-labelledby="circle-erase">
          <h2 id="circle-erase">{ct().eraseTitle}</h2>
          <button
            type="button"
            class="danger"
            onClick={async () => {
              if (!window.confirm(ct().eraseConfirm)) return;
              try {
                await circleApi.erase(circleId, secret);
                onGone(ct().erased);
              } catch (e) {
                await act(() => Promise.reject(e));
              }
            }}
          >
            {ct().erase}
          </button>
        </section>
      ) : (
        <section class="panel">
          <button
            type="button"
            class="danger"
            onClick={async () => {
              if (!myId || !window.confirm(ct().leaveConfirm)) return;
              try {
                await circleApi.remove(circleId, secret, myId);
                onGone(ct().left);
              } catch (e) {
                await act(() => Promise.reject(e));
              }
            }}
          >
            {ct().leave}
          </button>
        </section>
      )}
    </>
  );
}

function NextSession({
  view,
  facilitator,
  nameOf,
  act,
  circleId,
  secret,
  enter,
}: {
  view: CircleView;
  facilitator: boolean;
  nameOf: (id: string | null) => string;
  act: (work: () => Promise<unknown>) => Promise<void>;
  circleId: string;
  secret: string;
  enter: (n: number) => Promise<void>;
}) {
  const kind = useSignal<SessionKind | null>(null);
  const client = useSignal<string | null>(null);
  const topicRound = useSignal(false);
  const chosenKind = kind.value && view.next.kinds.includes(kind.value) ? kind.value : view.next.kinds[0];
  const chosenClient = client.value ?? view.next.clientId;
  const number = view.sessions.length + 1;
  return (
    <section class="panel" aria-labelledby="circle-next">
      <h2 id="circle-next">{ct().nextTitle}</h2>
      {view.current !== null && (
        <p>
          <button type="button" class="primary" onClick={() => void enter(view.current!)}>
            {ct().enter(view.current)}
          </button>
        </p>
      )}
      {view.next.kinds.length === 0 && <p>{ct().noMoreSessions}</p>}
      {view.next.kinds.length > 1 && (
        <label>
          {ct().sessionKind}
          <select value={chosenKind} onChange={(e) => (kind.value = e.currentTarget.value as SessionKind)}>
            {view.next.kinds.map((k) => (
              <option key={k} value={k}>
                {ct().sessionKinds[k]}
              </option>
            ))}
          </select>
        </label>
      )}
      {chosenKind === 'codev' && view.members.length > 0 && (
        <label>
          {ct().proposedClient}
          <select
            value={chosenClient ?? ''}
            disabled={!facilitator}
            onChange={(e) => (client.value = e.currentTarget.value)}
          >
            {view.members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {chosenKind === 'codev' && facilitator && (
        <label class="check">
          <input
            type="checkbox"
            checked={topicRound.value}
            onChange={(e) => (topicRound.value = e.currentTarget.checked)}
          />{' '}
          {ct().topicRoundOption}
        </label>
      )}
      {chosenKind === 'peer-coaching' && view.next.firstCoacheeId && (
        <p>{ct().firstCoachee(nameOf(view.next.firstCoacheeId))}</p>
      )}
      {(chosenKind === 'midpoint' || chosenKind === 'closing') &&
        view.next.objectives.length + view.next.indicators.length > 0 && (
          <div>
            <h3>{ct().carried}</h3>
            {view.next.objectives.length > 0 && (
              <>
                <h4>{ct().objectives}</h4>
                <ul>
                  {view.next.objectives.map((o, i) => (
                    <li key={i}>{o}</li>
                  ))}
                </ul>
              </>
            )}
            {view.next.indicators.length > 0 && (
              <>
                <h4>{ct().indicators}</h4>
                <ul>
                  {view.next.indicators.map((o, i) => (
                    <li key={i}>{o}</li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      {facilitator && chosenKind && (
        <button
          type="button"
          onClick={() =>
            act(async () => {
              await circleApi.open(circleId, secret, {
                kind: chosenKind,
                ...(chosenKind === 'codev' && chosenClient ? { clientId: chosenClient } : {}),
                ...(chosenKind === 'codev' && topicRound.value ? { topicRound: true } : {}),
              });
            })
          }
        >
          {ct().open(number)}
        </button>
      )}
    </section>
  );
}

function FollowUps({
  view,
  myId,
  nameOf,
  act,
  circleId,
  secret,
}: {
  view: CircleView;
  myId: string | null;
  nameOf: (id: string | null) => string;
  act: (work: () => Promise<unknown>) => Promise<void>;
  circleId: string;
  secret: string;
}) {
  return (
    <section class="panel" aria-labelledby="circle-follow-up">
      <h2 id="circle-follow-up">{ct().followUpTitle}</h2>
      {view.followUps.length === 0 && <p>{ct().followUpEmpty}</p>}
      <ul class="card-list">
        {view.followUps.map((item) => (
          <FollowUpRow
            key={item.id}
            item={item}
            mine={item.ownerId === myId}
            owner={nameOf(item.ownerId)}
            act={act}
            circleId={circleId}
            secret={secret}
          />
        ))}
      </ul>
      {view.done.length > 0 && (
        <>
          <h3>{ct().doneTitle}</h3>
          <ul>
            {view.done.map((item) => (
              <li key={item.id}>
                {item.what} ({nameOf(item.ownerId)}) · <strong>{ct().statuses[item.status]}</strong>
                {item.note && <> · {item.note}</>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function FollowUpRow({
  item,
  mine,
  owner,
  act,
  circleId,
  secret,
}: {
  item: FollowUpItem;
  mine: boolean;
  owner: string;
  act: (work: () => Promise<unknown>) => Promise<void>;
  circleId: string;
  secret: string;
}) {
  const note = useSignal(item.note);
  const confidence = useSignal(item.confidenceNow === null ? '' : String(item.confidenceNow));
  const send = (status: FollowUpStatus) =>
    act(() =>
      circleApi.followUp(circleId, secret, item.id, followUpMark(status, note.value, confidence.value)),
    );
  return (
    <li class="card">
      <p class="text">{item.what}</p>
      <p class="meta">
        {owner} · {ct().fromSession(item.fromSession)}
        {item.byWhen && <> · {item.byWhen}</>} · {ct().statuses[item.status]}
        {item.confidenceThen !== null && <> · {ct().confidenceThen(item.confidenceThen)}</>}
      </p>
      {mine && (
        <FollowUpMarkForm
          what={item.what}
          current={item.status}
          note={note.value}
          onNote={(text) => (note.value = text)}
          confidence={confidence}
          onMark={(status) => void send(status)}
        />
      )}
    </li>
  );
}

function History({
  sessions,
  nameOf,
  followUps,
}: {
  sessions: CircleSessionView[];
  nameOf: (id: string | null) => string;
  followUps: FollowUpItem[];
}) {
  /** Each action with its follow-up since (CI-6): its status and note, from the item it became. */
  const followUpOf = (session: number, action: { ownerId: string | null; what: string }) => {
    const item = followUps.find(
      (f) => f.fromSession === session && f.ownerId === action.ownerId && f.what === action.what,
    );
    return item ? ` · ${ct().statuses[item.status]}${item.note ? ` — ${item.note}` : ''}` : '';
  };
  return (
    <section class="panel" aria-labelledby="circle-history">
      <h2 id="circle-history">{ct().historyTitle}</h2>
      {sessions.length === 0 && <p>{ct().noSession}</p>}
      {[...sessions].reverse().map((s) => {
        const r = s.record;
        return (
          <article key={s.number} class="session-record">
            <h3>{ct().sessionHeading(s.number, ct().sessionKinds[s.kind], formatDateTime(s.openedAt))}</h3>
            {!r && <p class="meta">{s.roomCode === '' ? ct().coachingOnly : ct().notStarted}</p>}
            {r && !r.ended && <p class="meta">{ct().inProgress}</p>}
            {r && (
              <dl>
                {(r.clientName ?? s.clientId) && (
                  <>
                    <dt>{ct().client}</dt>
                    <dd>{r.clientName ?? nameOf(s.clientId)}</dd>
                  </>
                )}
                {r.request && (
                  <>
                    <dt>{ct().request}</dt>
                    <dd>{r.request}</dd>
                  </>
                )}
                <List title={ct().objectives} items={r.objectives} />
                {r.indicators.length > 0 && (
                  <>
                    <dt>{ct().indicators}</dt>
                    <dd>
                      <ul>
                        {r.indicators.map((i, n) => (
                          <li key={n}>
                            {i.text}
                            {i.reviews.length > 0 && (
                              <ul class="verdicts">
                                {i.reviews.map((review, k) => (
                                  <li key={k}>
                                    {review.name}: <strong>{ct().verdicts[review.verdict]}</strong>
                                    {review.note && <> · {review.note}</>}
                                  </li>
                                ))}
                              </ul>
                            )}
                          </li>
                        ))}
                      </ul>
                    </dd>
                  </>
                )}
                <List title={ct().kept} items={r.keptSuggestions} />
                <List
                  title={ct().actions}
                  items={r.actions.map((a) => `${a.what} (${a.ownerName})${followUpOf(s.number, a)}`)}
                />
                <List title={ct().learnings} items={r.learnings.map((l) => `${l.text} (${l.name})`)} />
                <List
                  title={ct().evaluations}
                  items={r.evaluations.map(
                    (e) => `${e.name}: ${e.rating}/5${e.comment ? ` · ${e.comment}` : ''}`,
                  )}
                />
                {r.synthesis && (
                  <>
                    <dt>{ct().synthesis}</dt>
                    <dd>{r.synthesis}</dd>
                  </>
                )}
              </dl>
            )}
          </article>
        );
      })}
    </section>
  );
}

function List({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <dt>{title}</dt>
      <dd>
        <ul>
          {items.map((item, i) => (
            <li key={i}>{item}</li>
          ))}
        </ul>
      </dd>
    </>
  );
}
