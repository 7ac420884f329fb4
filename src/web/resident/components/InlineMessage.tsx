import type { ReactNode } from 'react';
import { useI18n } from '../../shared/i18n.js';

const ICONS = { error: '✕', info: 'i', success: '✓' } as const;

/**
 * Feedback inside the page instead of a toast or dialog (长辈模式 allows no pop-ups): an icon and
 * a word say what kind of message it is, so colour is never the only signal.
 */
export function InlineMessage({ kind = 'info', children }: { kind?: 'error' | 'info' | 'success'; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className={`r-msg r-msg-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={`message-${kind}`}>
      <span className="r-msg-icon" aria-hidden="true">
        {ICONS[kind]}
      </span>
      <span>
        <strong>{t(`message.${kind}`)}：</strong>
        {children}
      </span>
    </div>
  );
}
