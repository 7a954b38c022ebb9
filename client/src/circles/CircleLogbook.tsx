import type { CarriedEntry } from '@cercle/shared';
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { openNote } from '../logbook/crypto.js';
import { circleSecrets, keysOf, ringVersion } from '../logbook/keys.js';
import { downloadText, slug } from '../ui/download.js';
import { ct } from './texts.js';

/** The member's entries opened with the secrets this browser holds for the circle (LG-6, LG-7). */
function useOpened(circleId: string, entries: CarriedEntry[]): (string | null | undefined)[] {
  const opened = useSignal<(string | null | undefined)[]>(entries.map(() => undefined));
  const ring = ringVersion.value;
  const key = entries.map((e) => e.sealed).join('|');
  useEffect(() => {
    let live = true;
    void (async () => {
      const keys = await keysOf(circleSecrets(circleId));
      const texts = await Promise.all(entries.map((e) => openNote(keys, e.sealed)));
      if (live) opened.value = texts;
    })();
    return () => {
      live = false;
    };
  }, [circleId, key, ring]);
  return opened.value.length === entries.length ? opened.value : entries.map(() => undefined);
}

function markdown(title: string, entries: CarriedEntry[], texts: (string | null | undefined)[]): string {
  const lines = [`# ${t().logbook.title} · ${title}`, ''];
  entries.forEach((entry, i) => {
    lines.push(`## ${ct().fromSession(entry.session)} · ${new Date(entry.at).toLocaleString()}`, '');
    lines.push(texts[i] ?? `_${t().logbook.locked}_`, '');
  });
  return `${lines.join('\n').trim()}\n`;
}

/**
 * A member's logbook on the circle's page: opened here, in the page (the server holds ciphertext only),
 * downloadable in clear, with what the key means said plainly (LG-7).
 */
export function CircleLogbook({
  circleId,
  title,
  entries,
}: {
  circleId: string;
  title: string;
  entries: CarriedEntry[];
}) {
  const texts = useOpened(circleId, entries);
  return (
    <section class="panel" aria-labelledby="circle-logbook" data-testid="circle-logbook">
      <h2 id="circle-logbook">{ct().logbookTitle}</h2>
      <p class="hint">{ct().logbookSealed}</p>
      {entries.length === 0 ? (
        <p>{ct().logbookEmpty}</p>
      ) : (
        <>
          <ul>
            {entries.map((entry, i) => (
              <li key={entry.sealed}>
                <span class="meta">{ct().fromSession(entry.session)}</span>{' '}
                {texts[i] === undefined ? (
                  <span class="hint">{t().logbook.opening}</span>
                ) : texts[i] === null ? (
                  <span class="hint" data-testid="logbook-locked">
                    {t().logbook.locked}
                  </span>
                ) : (
                  texts[i]
                )}
              </li>
            ))}
          </ul>
          <LogbookDownload circleId={circleId} title={title} entries={entries} texts={texts} />
        </>
      )}
    </section>
  );
}

export function LogbookDownload({
  title,
  entries,
  texts,
}: {
  circleId: string;
  title: string;
  entries: CarriedEntry[];
  texts: (string | null | undefined)[];
}) {
  return (
    <button
      type="button"
      data-testid="circle-logbook-download"
      onClick={() =>
        downloadText(`${t().record.logbookFile}-${slug(title)}.md`, markdown(title, entries, texts))
      }
    >
      {t().logbook.download}
    </button>
  );
}

/** Beside the personal link: it is also the logbook's key; lose every copy and the logbook is gone. */
export function LinkKeyWarning({
  circleId,
  title,
  entries,
}: {
  circleId: string;
  title: string;
  entries: CarriedEntry[];
}) {
  const texts = useOpened(circleId, entries);
  return (
    <div class="notice" data-testid="link-key-warning">
      <p>{ct().linkIsKey}</p>
      {entries.length > 0 && (
        <LogbookDownload circleId={circleId} title={title} entries={entries} texts={texts} />
      )}
    </div>
  );
}
