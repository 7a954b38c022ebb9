import { t } from '../i18n/index.js';
import { dismissFailure, failures } from '../state/session.js';

/** A refused or unstored command: "not sent", and why, in words. */
export function FailureToasts() {
  if (failures.value.length === 0) return null;
  return (
    <div class="toasts" role="alert">
      {failures.value.map((f) => (
        <div class="toast" key={f.id} data-error-code={f.code}>
          <span class="grow">
            <strong>{t().room.notSent}</strong> · {t().errors[f.code] ?? t().errors.internal}
          </span>
          <button type="button" class="small" onClick={() => dismissFailure(f.id)}>
            {t().room.dismiss}
          </button>
        </div>
      ))}
    </div>
  );
}
