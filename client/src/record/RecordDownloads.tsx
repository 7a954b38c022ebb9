import { tr } from '../i18n/words.js';
import { Icon } from '../ui/Icon.js';
import { downloadRecord } from './markdown.js';

/** The record's two files: Markdown to read and keep, JSON for other tools (RD-1, RD-2). */
export function RecordDownloads({ primary }: { primary?: boolean }) {
  return (
    <>
      <button
        type="button"
        class={primary ? 'primary' : undefined}
        data-testid="download-record"
        onClick={() => downloadRecord('md')}
      >
        <Icon name="download" /> {tr().download.markdown}
      </button>
      <button type="button" data-testid="download-record-json" onClick={() => downloadRecord('json')}>
        <Icon name="download" /> {tr().download.json}
      </button>
    </>
  );
}

/** RD-4: the facilitator keeps what is written so far, before the end (a crash, a call that ends early). */
export function RecordSoFar() {
  return (
    <details class="record-so-far" data-testid="record-so-far">
      <summary>{tr().download.soFar}</summary>
      <p class="hint">{tr().download.soFarHint}</p>
      <div class="group">
        <RecordDownloads />
      </div>
    </details>
  );
}
