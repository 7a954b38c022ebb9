import { useSignal } from '@preact/signals';
import { t } from '../i18n/index.js';

/** Copies a text; says "Copied" for a moment so the person knows it worked. */
export function CopyButton({ text, label, visible }: { text: string; label: string; visible?: string }) {
  const copied = useSignal(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard permission (plain http, old browser): select-and-copy by hand still works.
      const area = document.createElement('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    copied.value = true;
    window.setTimeout(() => {
      copied.value = false;
    }, 1500);
  };
  return (
    <button type="button" class="small" aria-label={label} onClick={copy}>
      <span aria-live="polite">{copied.value ? `✓ ${t().share.copied}` : (visible ?? t().share.copy)}</span>
    </button>
  );
}
