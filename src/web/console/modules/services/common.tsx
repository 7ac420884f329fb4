import { useEffect, useState } from 'react';
import { Alert, Button, Space, Tag, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { attachmentRequest } from '../../components/attachment-request.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import type { Label } from '../../../shared/events.js';
import type { ApplicationSummary, FormValue } from '../../../shared/service-hall.js';

export { APPLICATIONS_API, MATTERS_API } from '../../../shared/service-hall.js';
export const RATINGS = ['满意', '基本满意', '不满意'] as const;

export const text = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));

/** A `{zh-CN, en}` label from the server in the page's language. */
export function useLabel() {
  const { locale } = useI18n();
  return (l: Label | null | undefined, fallback = '') => (l ? (l[locale] ?? l['zh-CN']) : fallback);
}

const STATE_COLORS: Record<string, string> = {
  submitted: 'gold',
  returned: 'volcano',
  accepted: 'processing',
  approved: 'cyan',
  completed: 'green',
  rated: 'green',
  refused: 'default',
  denied: 'default',
  withdrawn: 'default',
};

export function AppStateTag({ state, label }: { state: string; label: Label }) {
  const l = useLabel();
  return (
    <Tag color={STATE_COLORS[state] ?? 'default'} data-testid="application-state" data-state={state}>
      {l(label, state)}
    </Tag>
  );
}

const DEADLINE_COLORS = { normal: 'green', warning: 'orange', overdue: 'red' } as const;

/** The stage clock: a word and a mark as well as a colour, and when it runs out. */
export function AppDeadlineTag({ status, dueAt, compact }: { status: ApplicationSummary['deadlineStatus']; dueAt: string | null; compact?: boolean }) {
  const { t } = useI18n();
  if (!status || !dueAt) return <span style={{ color: '#4b5563' }}>{t('sv.deadline.none')}</span>;
  return (
    <Space size={4} wrap data-testid="application-deadline" data-deadline={status}>
      <Tag color={DEADLINE_COLORS[status]} style={{ fontWeight: status === 'normal' ? 400 : 700 }}>
        {status === 'normal' ? '' : '! '}
        {t(`sv.deadline.${status}`)}
      </Tag>
      <span style={{ color: status === 'overdue' ? '#a8071a' : undefined, whiteSpace: 'nowrap' }}>{compact ? formatDateTime(dueAt) : t('sv.deadline.due', { at: formatDateTime(dueAt) })}</span>
    </Space>
  );
}

export function formValueText(v: FormValue | undefined, yes: string): string {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.join('、') : '—';
  if (typeof v === 'boolean') return v ? yes : '—';
  return String(v);
}

interface Uploaded {
  id: string;
  originalName?: string;
  name: string;
}

/**
 * Files for an application (purpose service.application): uploaded at once, the value is
 * their ids. Images and PDF.
 */
export function MaterialUpload({ value, onChange, testId, max = 9 }: { value?: string[]; onChange?: (ids: string[]) => void; testId?: string; max?: number }) {
  const { t } = useI18n();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!value || value.length === 0) setFiles((f) => (f.some((x) => x.status === 'uploading') ? f : []));
  }, [value]);
  const idsOf = (list: UploadFile[]) => list.filter((f) => f.status === 'done' && f.response).map((f) => (f.response as Uploaded).id);
  return (
    <>
      <Upload
        accept="image/*,application/pdf"
        multiple
        fileList={files}
        maxCount={max}
        customRequest={attachmentRequest<Uploaded>('service.application', { onError: setError })}
        onChange={({ fileList }) => {
          setFiles(fileList);
          onChange?.(idsOf(fileList));
        }}
        data-testid={testId}
      >
        {files.length < max && <Button>+ {t('sv.step.upload')}</Button>}
      </Upload>
      {error && <Alert type="error" showIcon title={error} closable={{ onClose: () => setError(null) }} />}
    </>
  );
}
