import { LOGBOOK_PLAINTEXT_MAX_BYTES, TEXT_LIMITS } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { loc, t } from '../i18n/index.js';
import { tl } from '../i18n/live.js';
import { noteBytes } from '../logbook/crypto.js';
import { noteText, sealForRoom } from '../logbook/notes.js';
import { sendCommand } from '../net/connection.js';
import { logbookMarkdown } from '../record/markdown.js';
import { can } from '../state/derived.js';
import { hasDraft, sendDraft, useDraft } from '../state/drafts.js';
import { logbookHidden, setLogbookHidden } from '../state/privacy.js';
import { mine, roomCode, view } from '../state/session.js';
import { downloadText } from '../ui/download.js';
import { Icon } from '../ui/Icon.js';

/** My private notes: visibly private, open at every moment, downloadable. */
export function LogbookPanel() {
  const code = roomCode.value;
  if (logbookHidden(code)) {
    return (
      <section class="panel logbook" id="logbook" aria-labelledby="logbook-title" data-testid="logbook">
        <h2 id="logbook-title">
          <Icon name="book" /> {t().logbook.title}
        </h2>
        <p class="hint" data-testid="logbook-hidden">
          <Icon name="lock" /> {tl().logbook.hidden}
        </p>
        <button type="button" onClick={() => setLogbookHidden(code, false)}>
          {tl().logbook.show}
        </button>
      </section>
    );
  }
  return <LogbookContent />;
}

function LogbookContent() {
  // The note being written is a draft like any box: it stays in this browser until sealed and stored.
  const text = useDraft('logbook');
  const entries = Object.values(mine.value?.logbook ?? {}).sort((a, b) => b.createdAt - a.createdAt);
  const phaseName = (id: string | null) => {
    const phase = id ? view.value?.phases.find((p) => p.id === id) : undefined;
    return phase ? loc(phase.name) : null;
  };
  const add = () => {
    const value = text.value.trim();
    if (!value || noteBytes(value) > LOGBOOK_PLAINTEXT_MAX_BYTES) return;
    // LG-5: sealed here, in the page; only the ciphertext leaves it.
    void sendDraft('logbook', value, () =>
      sealForRoom(roomCode.value, value).then((sealed) => sendCommand({ type: 'logbook_add', sealed })),
    );
  };
  const editing = useSignal<string | null>(null);
  const download = () => downloadText(`${t().record.logbookFile}-${roomCode.value}.md`, logbookMarkdown());
  // Once the seat is gone (removed, or the room erased), the notes are read-only: kept to download.
  const writable = can('logbook_add');
  return (
    <section class="panel logbook" id="logbook" aria-labelledby="logbook-title" data-testid="logbook">
      <h2 id="logbook-title">
        <Icon name="book" /> {t().logbook.title}{' '}
        <span class="badge private">
          <Icon name="lock" /> {t().logbook.private}
        </span>
      </h2>
      <button
        type="button"
        class="small ghost no-print"
        data-testid="hide-logbook"
        onClick={() => setLogbookHidden(roomCode.value, true)}
      >
        <Icon name="lock" /> {tl().logbook.hide}
      </button>
      {!writable && entries.length > 0 && (
        <div class="row">
          <button type="button" onClick={download}>
            <Icon name="download" /> {t().logbook.download}
          </button>
        </div>
      )}
      {writable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <label for="logbook-text" class="sr-only">
            {t().logbook.title}
          </label>
          <textarea
            id="logbook-text"
            maxLength={TEXT_LIMITS.logbookEntry}
            placeholder={t().logbook.placeholder}
            value={text.value}
            onInput={(e) => text.set(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                add();
              }
            }}
          />
          <div class="row">
            <button type="submit" class="primary" disabled={!text.value.trim()}>
              {t().logbook.add}
            </button>
            {entries.length > 0 && (
              <button type="button" onClick={download}>
                <Icon name="download" /> {t().logbook.download}
              </button>
            )}
          </div>
        </form>
      )}
      {entries.length === 0 ? (
        <p class="hint">{t().logbook.empty}</p>
      ) : (
        <ul class="logbook-list">
          {entries.map((entry) => (
            <li key={entry.id}>
              <div class="meta">
                <span>
                  {new Date(entry.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                  {phaseName(entry.phaseId) ? ` · ${t().logbook.phase(phaseName(entry.phaseId) ?? '')}` : ''}
                </span>
                {can('logbook_edit') && typeof noteText(entry) === 'string' && editing.value !== entry.id && (
                  <button
                    type="button"
                    class="small ghost"
                    aria-label={tl().logbook.editLabel}
                    onClick={() => (editing.value = entry.id)}
                  >
                    {tl().logbook.edit}
                  </button>
                )}
                {can('logbook_delete') && (
                  <button
                    type="button"
                    class="small ghost"
                    aria-label={t().logbook.remove}
                    onClick={() => void sendCommand({ type: 'logbook_delete', entryId: entry.id })}
                  >
                    ✕
                  </button>
                )}
              </div>
              {editing.value === entry.id || hasDraft(editNoteBox(entry.id)) ? (
                <EditNote
                  entryId={entry.id}
                  text={noteText(entry) ?? ''}
                  onDone={() => (editing.value = null)}
                />
              ) : (
                <NoteText text={noteText(entry)} />
              )}
            </li>
          ))}
        </ul>
      )}
      {writable && !globalThis.crypto?.subtle && (
        <p class="error" role="alert">
          {t().logbook.insecure}
        </p>
      )}
      <p class="hint" data-testid="logbook-sealed">
        <Icon name="lock" /> {t().logbook.sealedHint}
      </p>
    </section>
  );
}

const editNoteBox = (entryId: string) => `logbook-edit.${entryId}`;

/** Changing a note (`logbook_edit`): the new words are sealed here like a new note (LG-5). */
function EditNote({ entryId, text, onDone }: { entryId: string; text: string; onDone: () => void }) {
  const box = editNoteBox(entryId);
  const draft = useDraft(box, text);
  const value = draft.value.trim();
  const save = () => {
    if (!value || value === text || noteBytes(value) > LOGBOOK_PLAINTEXT_MAX_BYTES) return;
    void sendDraft(box, value, () =>
      sealForRoom(roomCode.value, value).then((sealed) =>
        sendCommand({ type: 'logbook_edit', entryId, sealed }),
      ),
    );
    onDone();
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label for={`note-${entryId}`} class="sr-only">
        {tl().logbook.editLabel}
      </label>
      <textarea
        id={`note-${entryId}`}
        maxLength={TEXT_LIMITS.logbookEntry}
        value={draft.value}
        onInput={(e) => {
          const typed = e.currentTarget.value;
          if (typed === text) draft.clear();
          else draft.set(typed);
        }}
      />
      <div class="row">
        <button type="submit" class="primary small" disabled={!value || value === text}>
          {tl().logbook.save}
        </button>
        <button
          type="button"
          class="small"
          onClick={() => {
            draft.clear();
            onDone();
          }}
        >
          {tl().logbook.cancel}
        </button>
      </div>
    </form>
  );
}

/** An entry as this device can show it: its text, "opening…", or why it cannot be read here (LG-6). */
function NoteText({ text }: { text: string | null | undefined }) {
  if (text === undefined) return <span class="hint">{t().logbook.opening}</span>;
  if (text === null)
    return (
      <span class="hint" data-testid="logbook-locked">
        {t().logbook.locked}
      </span>
    );
  return <>{text}</>;
}
