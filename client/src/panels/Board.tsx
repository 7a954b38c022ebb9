import { type CardKind, type CardView, cardKindSchema, postableKinds, TEXT_LIMITS } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { tp } from '../i18n/in-phase.js';
import { loc, t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { type CardAction, cardActions } from '../state/cardActions.js';
import { allowed, amDriver, can, myRole, nameOf } from '../state/derived.js';
import { readDraft, sendDraft, useDraft, writeDraft } from '../state/drafts.js';
import { mine, participantId, pendingCommands, stage, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

/**
 * The board's columns: every kind the schema knows, in the order the method's phases first open them
 * (the framing's indicators before the consultation's suggestions), the others after.
 */
function kindOrder(phases: readonly { board: readonly { kind: CardKind }[] }[]): CardKind[] {
  const opened = phases.flatMap((phase) => phase.board.map((entry) => entry.kind));
  return [...new Set([...opened, ...cardKindSchema.options])];
}

/** My cards still on their way to the server, shown greyed where they will land. */
function pendingPosts(kind: CardKind): { id: string; text: string }[] {
  return pendingCommands.value.flatMap(({ id, command }) =>
    command.type === 'post_card' && command.kind === kind ? [{ id, text: command.text }] : [],
  );
}

/** The words of a card as I may read them: a hidden one only if it is mine (SW-1). */
function textOf(card: CardView): string {
  return card.hidden ? (mine.value?.hiddenTexts[card.id] ?? '') : card.text;
}

const starredByMe = (cardId: string): boolean => mine.value?.stars.includes(cardId) ?? false;

function isMine(card: CardView): boolean {
  const me = participantId.value;
  return (
    (me !== null && card.authorId === me) || (mine.value?.seat?.anonymousCardIds.includes(card.id) ?? false)
  );
}

/** The shared board: cards grouped by kind; the post box only when the phase lets me post. */
export function Board() {
  const v = view.value;
  const role = myRole.value;
  if (!v || !role) return null;
  // PM-1: where I sort cards (the client in the synthesis), the ones I starred come first.
  const sorting = v.status === 'running' && can('keep_card');
  const starFirst = (card: CardView) => (sorting && starredByMe(card.id) ? 0 : 1);
  const cards = Object.values(v.cards).sort(
    (a, b) => starFirst(a) - starFirst(b) || a.createdAt - b.createdAt,
  );
  const anyStarred = sorting && cards.some((card) => starredByMe(card.id));
  const kinds = v.status === 'running' ? postableKinds(v, role) : [];
  const mayPost = kinds.length > 0 && can('post_card');
  const shownKinds = kindOrder(v.phases).filter(
    (k) => cards.some((c) => c.kind === k) || (mayPost && kinds.includes(k)),
  );
  const boardUsed = v.phases.some((p) => p.board.length > 0);
  if (!boardUsed && cards.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="board-title" data-testid="board">
      <h2 id="board-title">
        {t().board.title} <span class="count">({cards.length})</span>
      </h2>
      <SilenceNote />
      {anyStarred && (
        <p class="hint" data-testid="stars-first">
          ★ {tp().stars.firstHint}
        </p>
      )}
      {/* The box first: on a narrow screen it is reached without scrolling through every card. */}
      {v.status === 'running' &&
        (mayPost ? (
          <PostBox kinds={kinds} anonymousAllowed={v.allowAnonymousCards} />
        ) : (
          <p class="locked-note postbox" data-testid="board-locked">
            <Icon name="lock" />
            {t().board.closed}
          </p>
        ))}
      {shownKinds.length === 0 ? (
        <p class="hint">{t().board.empty}</p>
      ) : (
        <div class="board-cols">
          {shownKinds.map((kind) => (
            <div key={kind}>
              <h3>{t().cardKinds[kind]}</h3>
              <ul class="card-list" aria-label={t().cardKinds[kind]}>
                {cards
                  .filter((c) => c.kind === kind)
                  .map((c) => (
                    <CardItem key={c.id} card={c} />
                  ))}
                {pendingPosts(kind).map((post) => (
                  <li class="card pending" key={post.id} data-pending="true">
                    <p class="text">{post.text}</p>
                    <div class="meta">
                      <span class="badge warn">{t().room.sending(1)}</span>
                    </div>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

/** SW-1, SW-2: a silent phase says so; the driver reveals every hidden card from here. */
function SilenceNote() {
  const v = view.value;
  if (v?.status !== 'running' || v.phases[v.phaseIndex]?.silent !== true) return null;
  const hidden = Object.values(v.cards).filter((card) => card.hidden).length;
  return (
    <div class="banner silent" role="status" data-testid="silence">
      <Icon name="lock" />{' '}
      {v.revealed ? tp().silent.revealedHint : `${tp().silent.phaseHint} ${tp().silent.hiddenCount(hidden)}`}
      {amDriver.value && can('reveal_cards') && (
        <button
          type="button"
          class="primary small"
          onClick={() => void sendCommand({ type: 'reveal_cards' })}
        >
          {tp().silent.reveal}
        </button>
      )}
    </div>
  );
}

/** The buttons this page offers on a card, from the shared policy (see `cardActions`). */
function offeredActions(card: CardView, text: string) {
  const v = view.value;
  const id = participantId.value;
  if (!v || !id || stage.value !== 'in_room') return [];
  const viewer = { id, anonymousCardIds: mine.value?.seat?.anonymousCardIds };
  return cardActions(v, viewer, allowed.value, card, text, starredByMe(card.id));
}

/** One card button, in words (PM-1: a star only I see). */
function CardButton({ action, text, onClick }: { action: CardAction; text: string; onClick: () => void }) {
  switch (action) {
    case 'star':
    case 'unstar': {
      const starred = action === 'unstar';
      return (
        <button
          type="button"
          class={starred ? 'small star on' : 'small ghost star'}
          aria-pressed={starred}
          aria-label={starred ? tp().stars.unstarLabel(text) : tp().stars.starLabel(text)}
          title={tp().stars.hint}
          onClick={onClick}
        >
          {starred ? '★' : '☆'} {starred ? tp().stars.starred : tp().stars.star}
        </button>
      );
    }
    case 'keep':
      return (
        <button type="button" class="small" onClick={onClick}>
          ✓ {t().board.keep}
        </button>
      );
    case 'set_aside':
      return (
        <button type="button" class="small" onClick={onClick}>
          {t().board.setAside}
        </button>
      );
    case 'reopen':
      return (
        <button type="button" class="small ghost" onClick={onClick}>
          ↶ {t().board.reopen}
        </button>
      );
    case 'withdraw':
      return (
        <button type="button" class="small ghost" onClick={onClick}>
          {t().board.withdraw}
        </button>
      );
    default:
      return null;
  }
}

function CardItem({ card }: { card: CardView }) {
  const own = isMine(card);
  const text = textOf(card);
  const author = card.anonymous ? t().board.anonymousAuthor : own ? t().board.byYou : nameOf(card.authorId);
  const authorRole =
    card.anonymous || own || !card.authorId ? null : (view.value?.participants[card.authorId]?.role ?? null);
  const phaseName = view.value?.phases.find((p) => p.id === card.phaseId);
  // Every button comes from the policy for this very card (VW-5): nothing drawn is then refused.
  const actions = offeredActions(card, text);
  const mayEdit = actions.some((a) => a.action === 'edit');
  // An edit in progress is a draft: it survives a reload, and waits on the shelf while editing is closed.
  const editing = mayEdit && readDraft(editBox(card.id)) !== '';
  const starred = starredByMe(card.id);
  const cls = [
    'card',
    card.status,
    own ? 'mine' : '',
    card.hidden ? 'hidden-card' : '',
    starred ? 'starred' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li
      class={cls}
      data-card-id={card.id}
      data-status={card.status}
      data-hidden={card.hidden ? 'true' : undefined}
      data-starred={starred ? 'true' : undefined}
    >
      {editing ? (
        <EditCardForm card={card} />
      ) : card.hidden && !own ? (
        <p class="text hint">{tp().silent.hiddenCard}</p>
      ) : (
        <p class="text">{text}</p>
      )}
      <div class="meta">
        <span>{author}</span>
        {/* RM-9: a name always comes with its role, so no one passes for the facilitator. */}
        {authorRole && (
          <span class="badge role" data-role={authorRole}>
            {t().roles[authorRole]}
          </span>
        )}
        {phaseName && <span>· {loc(phaseName.name)}</span>}
        {card.hidden && own && <span class="badge warn">{tp().silent.hiddenMine}</span>}
        {starred && <span class="badge star">★ {tp().stars.starred}</span>}
        {card.status === 'kept' && <span class="badge ok">{t().board.kept}</span>}
        {card.status === 'set_aside' && <span class="badge">{t().board.setAsideDone}</span>}
      </div>
      <div class="actions">
        {actions.map(({ action, command }) =>
          action === 'edit' ? (
            !editing && (
              <button
                key={action}
                type="button"
                class="small ghost"
                onClick={() => writeDraft(editBox(card.id), text)}
              >
                {t().board.edit}
              </button>
            )
          ) : (
            <CardButton key={action} action={action} text={text} onClick={() => void sendCommand(command)} />
          ),
        )}
      </div>
    </li>
  );
}

const editBox = (cardId: string) => `edit-card.${cardId}`;

function EditCardForm({ card }: { card: CardView }) {
  const box = editBox(card.id);
  const draft = useDraft(box);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const text = draft.value.trim();
        if (!text) return;
        sendDraft(box, text, () => sendCommand({ type: 'edit_card', cardId: card.id, text }));
      }}
    >
      <textarea
        aria-label={t().board.text}
        maxLength={TEXT_LIMITS.card}
        value={draft.value}
        onInput={(e) => draft.set(e.currentTarget.value)}
      />
      <div class="actions">
        <button type="submit" class="small primary">
          {t().board.save}
        </button>
        <button type="button" class="small" onClick={() => draft.clear()}>
          {t().board.cancel}
        </button>
      </div>
    </form>
  );
}

function PostBox({ kinds, anonymousAllowed }: { kinds: CardKind[]; anonymousAllowed: boolean }) {
  const draft = useDraft('post');
  const text = { value: draft.value };
  const kind = useSignal<CardKind>(kinds[0] ?? 'note');
  const anonymous = useSignal(false);
  if (!kinds.includes(kind.value)) kind.value = kinds[0] ?? 'note';
  const post = () => {
    const value = text.value.trim();
    if (!value) return;
    // Refused or not stored: the words come back into the box rather than vanish.
    sendDraft('post', value, () =>
      sendCommand({
        type: 'post_card',
        kind: kind.value,
        text: value,
        ...(anonymous.value ? { anonymous: true } : {}),
      }),
    );
  };
  return (
    <form
      class="postbox"
      data-testid="post-box"
      data-compose
      onSubmit={(e) => {
        e.preventDefault();
        post();
      }}
    >
      {kinds.length > 1 && (
        <fieldset class="row kind-pick">
          <legend class="sr-only">{t().board.kind}</legend>
          {kinds.map((k) => (
            <label class="check" key={k}>
              <input
                type="radio"
                name="card-kind"
                checked={kind.value === k}
                onChange={() => (kind.value = k)}
              />
              {t().cardKindOne[k]}
            </label>
          ))}
        </fieldset>
      )}
      <label for="post-text">{t().board.postAs(t().cardKindOne[kind.value])}</label>
      <textarea
        id="post-text"
        maxLength={TEXT_LIMITS.card}
        value={text.value}
        onInput={(e) => draft.set(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter posts, as in most chat boxes; Enter alone makes a new line.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            post();
          }
        }}
      />
      <div class="row">
        {anonymousAllowed && (
          <label class="check">
            <input
              type="checkbox"
              checked={anonymous.value}
              onChange={(e) => (anonymous.value = e.currentTarget.checked)}
            />
            {t().board.anonymous}
          </label>
        )}
        <span class="hint grow">{t().board.chars(text.value.length, TEXT_LIMITS.card)}</span>
        <button type="submit" class="primary" disabled={!text.value.trim()}>
          {t().board.post}
        </button>
      </div>
    </form>
  );
}
