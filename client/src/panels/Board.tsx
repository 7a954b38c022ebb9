import { type CardKind, type CardView, postableKinds, TEXT_LIMITS } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { loc, t } from '../i18n/index.js';
import { sendCommand } from '../net/connection.js';
import { can, myRole, nameOf, permitted } from '../state/derived.js';
import { readDraft, sendDraft, useDraft, writeDraft } from '../state/drafts.js';
import { mine, participantId, pendingCommands, view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

const kindOrder: CardKind[] = [
  'indicator',
  'objective',
  'question',
  'answer',
  'suggestion',
  'option',
  'note',
];

/** My cards still on their way to the server, shown greyed where they will land. */
function pendingPosts(kind: CardKind): { id: string; text: string }[] {
  return pendingCommands.value.flatMap(({ id, command }) =>
    command.type === 'post_card' && command.kind === kind ? [{ id, text: command.text }] : [],
  );
}

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
  const cards = Object.values(v.cards).sort((a, b) => a.createdAt - b.createdAt);
  const kinds = v.status === 'running' ? postableKinds(v, role) : [];
  const mayPost = kinds.length > 0 && can('post_card');
  const shownKinds = kindOrder.filter(
    (k) => cards.some((c) => c.kind === k) || (mayPost && kinds.includes(k)),
  );
  const boardUsed = v.phases.some((p) => p.board.length > 0);
  if (!boardUsed && cards.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="board-title" data-testid="board">
      <h2 id="board-title">
        {t().board.title} <span class="count">({cards.length})</span>
      </h2>
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
      {v.status === 'running' &&
        (mayPost ? (
          <PostBox kinds={kinds} anonymousAllowed={v.allowAnonymousCards} />
        ) : (
          <p class="locked-note postbox" data-testid="board-locked">
            <Icon name="lock" />
            {t().board.closed}
          </p>
        ))}
    </section>
  );
}

function CardItem({ card }: { card: CardView }) {
  const own = isMine(card);
  const author = card.anonymous ? t().board.anonymousAuthor : own ? t().board.byYou : nameOf(card.authorId);
  const phaseName = view.value?.phases.find((p) => p.id === card.phaseId);
  // Every button comes from the policy for this very card (VW-5): nothing drawn is then refused.
  const mayKeep = !own && permitted({ type: 'keep_card', cardId: card.id });
  const maySetAside = !own && permitted({ type: 'set_aside_card', cardId: card.id });
  const mayReopen = !own && permitted({ type: 'reopen_card', cardId: card.id });
  const mayEdit = permitted({ type: 'edit_card', cardId: card.id, text: card.text });
  // The driver may withdraw any card (moderation, BD-2); the page offers it on one's own cards only.
  const mayWithdraw = own && permitted({ type: 'withdraw_card', cardId: card.id });
  // An edit in progress is a draft: it survives a reload, and waits on the shelf while editing is closed.
  const editing = mayEdit && readDraft(editBox(card.id)) !== '';
  const cls = ['card', card.status, own ? 'mine' : ''].filter(Boolean).join(' ');
  return (
    <li class={cls} data-card-id={card.id} data-status={card.status}>
      {editing ? <EditCardForm card={card} /> : <p class="text">{card.text}</p>}
      <div class="meta">
        <span>{author}</span>
        {phaseName && <span>· {loc(phaseName.name)}</span>}
        {card.status === 'kept' && <span class="badge ok">{t().board.kept}</span>}
        {card.status === 'set_aside' && <span class="badge">{t().board.setAsideDone}</span>}
      </div>
      <div class="actions">
        {mayKeep && (
          <button
            type="button"
            class="small"
            onClick={() => void sendCommand({ type: 'keep_card', cardId: card.id })}
          >
            ✓ {t().board.keep}
          </button>
        )}
        {maySetAside && (
          <button
            type="button"
            class="small"
            onClick={() => void sendCommand({ type: 'set_aside_card', cardId: card.id })}
          >
            {t().board.setAside}
          </button>
        )}
        {mayReopen && (
          <button
            type="button"
            class="small ghost"
            onClick={() => void sendCommand({ type: 'reopen_card', cardId: card.id })}
          >
            ↶ {t().board.reopen}
          </button>
        )}
        {mayEdit && !editing && (
          <button type="button" class="small ghost" onClick={() => writeDraft(editBox(card.id), card.text)}>
            {t().board.edit}
          </button>
        )}
        {mayWithdraw && (
          <button
            type="button"
            class="small ghost"
            onClick={() => void sendCommand({ type: 'withdraw_card', cardId: card.id })}
          >
            {t().board.withdraw}
          </button>
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
