import { useI18n } from '../../shared/i18n.js';
import type { Label } from '../../shared/events.js';
import './events.css';
import './messages.js';

const CLOSED = new Set(['closed', 'rated']);
const ENDED = new Set(['rejected', 'withdrawn', 'voided', 'merged']);

export function stateKind(state: string): 'open' | 'closed' | 'ended' {
  return CLOSED.has(state) ? 'closed' : ENDED.has(state) ? 'ended' : 'open';
}

const MARKS = { open: '●', closed: '✓', ended: '–' } as const;

/** The state as the server names it, with a mark as well as a colour. */
export function StateBadge({ state, label, testId = 'event-state' }: { state: string; label: Label; testId?: string }) {
  const { locale } = useI18n();
  const kind = stateKind(state);
  return (
    <span className={`rev-state rev-state-${kind}`} data-testid={testId} data-state={state}>
      <span aria-hidden="true">{MARKS[kind]} </span>
      {label[locale] ?? label['zh-CN']}
    </span>
  );
}

export function useLabel() {
  const { locale } = useI18n();
  return (l: Label | null | undefined, fallback = '') => (l ? (l[locale] ?? l['zh-CN']) : fallback);
}
