/**
 * Pieces the event pages share: labels in the page's language, the state / deadline / urgency
 * tags, cached look-ups (category tree, dispatch targets), the category picker, the assignee
 * picker of a dispatch, and the photo uploader (platform files API, purpose event.photo).
 */
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { Alert, Button, Radio, Select, Space, Tag, TreeSelect, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { api, ApiError, errorMessage } from '../../../shared/api.js';
import { attachmentRequest } from '../../components/attachment-request.js';
import { formatDateTime } from '../../../shared/dates.js';
import { t as translate, useI18n } from '../../../shared/i18n.js';
import type { CategoryTree, DispatchTargets, EventSummary, Label } from '../../../shared/events.js';

export const EVENTS = '/api/v1/events';
export const URGENCIES = ['一般', '紧急', '特急'] as const;
export const RATINGS = ['满意', '基本满意', '不满意'] as const;
export const STAFF_CHANNELS = ['phone', 'hotline', 'visit', 'patrol', 'suggestion'] as const;
export const ALL_CHANNELS = ['resident_app', 'patrol', 'phone', 'hotline', 'open311', 'suggestion', 'visit', 'volunteer'] as const;

export const text = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));

/** A `{zh-CN, en}` label from the server in the page's language. */
export function useLabel() {
  const { locale } = useI18n();
  return (l: Label | null | undefined, fallback = '') => (l ? (l[locale] ?? l['zh-CN']) : fallback);
}

const STATE_COLORS: Record<string, string> = {
  reported: 'gold',
  accepted: 'orange',
  dispatched: 'blue',
  handling: 'processing',
  extension_requested: 'purple',
  void_requested: 'purple',
  suspended: 'default',
  checking: 'cyan',
  closed: 'green',
  rated: 'green',
  rejected: 'default',
  withdrawn: 'default',
  voided: 'default',
  merged: 'default',
};

export function StateTag({ state, label }: { state: string; label: Label }) {
  const l = useLabel();
  return (
    <Tag color={STATE_COLORS[state] ?? 'default'} data-testid="event-state" data-state={state}>
      {l(label, state)}
    </Tag>
  );
}

const DEADLINE_COLORS = { normal: 'green', warning: 'orange', overdue: 'red' } as const;

/** The stage clock: a word and a mark as well as a colour, and the time it runs out. */
export function DeadlineTag({ status, dueAt, compact }: { status: EventSummary['deadlineStatus']; dueAt: string | null; compact?: boolean }) {
  const { t } = useI18n();
  if (!status || !dueAt) return <span style={{ color: '#4b5563' }}>{t('ev.deadline.none')}</span>;
  return (
    <Space size={4} wrap data-testid="event-deadline" data-deadline={status}>
      <Tag color={DEADLINE_COLORS[status]} style={{ fontWeight: status === 'normal' ? 400 : 700 }}>
        {status === 'normal' ? '' : '! '}
        {t(`ev.deadline.${status}`)}
      </Tag>
      <span style={{ color: status === 'overdue' ? '#a8071a' : undefined, whiteSpace: 'nowrap' }}>{compact ? formatDateTime(dueAt) : t('ev.deadline.due', { at: formatDateTime(dueAt) })}</span>
    </Space>
  );
}

export function UrgencyTag({ urgency }: { urgency: string }) {
  const { t } = useI18n();
  if (urgency === '一般') return <span>{t('ev.urgency.一般')}</span>;
  return <Tag color={urgency === '特急' ? 'red' : 'volcano'}>{t(`ev.urgency.${urgency}`)}</Tag>;
}

/** 热线工单（12345）: the channel, and the hotline when there is one. */
export function channelText(channel: string, source?: string | null) {
  const name = translate(`ev.channel.${channel}`);
  return source ? `${name}（${source}）` : name;
}

/** Data that changes rarely, fetched once per page load (and again after an edit). */
function cached<T>(load: () => Promise<T>) {
  let promise: Promise<T> | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => {
      promise ??= load().catch((e: unknown) => {
        promise = null;
        throw e;
      });
      return promise;
    },
    clear: () => {
      promise = null;
      for (const l of listeners) l();
    },
    listeners,
  };
}

export const categoryTree = cached(() => api.get<CategoryTree>('/api/v1/event-categories'));
export const dispatchTargets = cached(() => api.get<DispatchTargets>(`${EVENTS}/dispatch-targets`));

function useCached<T>(source: ReturnType<typeof cached<T>>): { data: T | undefined; error: ApiError | null } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    source.listeners.add(l);
    return () => {
      source.listeners.delete(l);
    };
  }, [source]);
  useEffect(() => {
    let live = true;
    source.get().then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', String(e))),
    );
    return () => {
      live = false;
    };
  }, [source, tick]);
  return { data, error };
}

export const useCategoryTree = () => useCached(categoryTree);
export const useDispatchTargets = () => useCached(dispatchTargets);

/** Category picker: groups open, leaves chosen (`leavesOnly`), or any node for a filter. */
export function CategorySelect({
  value,
  onChange,
  leavesOnly,
  placeholder,
  testId,
  style,
}: {
  value?: string;
  onChange?: (id: string | undefined) => void;
  leavesOnly?: boolean;
  placeholder?: string;
  testId?: string;
  style?: CSSProperties;
}) {
  const { t, locale } = useI18n();
  const tree = useCategoryTree();
  const data = useMemo(
    () =>
      (tree.data?.items ?? []).map((g) => ({
        value: g.id,
        title: `${g.code} ${locale === 'en' && g.nameEn ? g.nameEn : g.name}`,
        selectable: !leavesOnly,
        children: g.children.map((c) => ({ value: c.id, title: `${c.code} ${locale === 'en' && c.nameEn ? c.nameEn : c.name}`, isLeaf: true })),
      })),
    [tree.data, leavesOnly, locale],
  );
  return (
    <TreeSelect
      value={value}
      onChange={(v) => onChange?.((v as string | undefined) ?? undefined)}
      treeData={data}
      allowClear
      showSearch={{ treeNodeFilterProp: 'title' }}
      placeholder={placeholder ?? t('ev.field.category')}
      aria-label={placeholder ?? t('ev.field.category')}
      style={{ minWidth: 200, ...style }}
      popupMatchSelectWidth={false}
      treeDefaultExpandAll={leavesOnly}
      data-testid={testId}
    />
  );
}

/** A category (leaf) by id, with its group. */
export function findCategory(tree: CategoryTree | undefined, id: string | undefined) {
  if (!tree || !id) return undefined;
  for (const g of tree.items) {
    if (g.id === id) return { category: g, group: null };
    const c = g.children.find((x) => x.id === id);
    if (c) return { category: c, group: g };
  }
  return undefined;
}

export interface AssigneeValue {
  kind: 'unit' | 'department' | 'person';
  orgNodeId?: string;
  departmentCode?: string;
  userId?: string;
}

/** The body's `assignee` from the picker's value; undefined when incomplete. */
export function assigneeBody(v: AssigneeValue | undefined): { orgNodeId?: string; departmentCode?: string | null; userId?: string | null } | undefined {
  if (!v) return undefined;
  if (v.kind === 'person') return v.userId ? { userId: v.userId } : undefined;
  if (v.kind === 'department') return v.orgNodeId && v.departmentCode ? { orgNodeId: v.orgNodeId, departmentCode: v.departmentCode } : undefined;
  return v.orgNodeId ? { orgNodeId: v.orgNodeId } : undefined;
}

/**
 * Whom to dispatch to: a unit (community, grid, sub-district), a department at a node, or a
 * person who handles events there. Choices come from the server (GET dispatch-targets).
 */
export function AssigneePicker({ value, onChange }: { value?: AssigneeValue; onChange?: (v: AssigneeValue) => void }) {
  const { t } = useI18n();
  const targets = useDispatchTargets();
  const v: AssigneeValue = value ?? { kind: 'unit' };
  const set = (patch: Partial<AssigneeValue>) => onChange?.({ ...v, ...patch });
  const units = targets.data?.units ?? [];
  const unitOptions = units.map((u) => ({ value: u.id, label: `${u.name}（${t(`kind.${u.kind}`)}）` }));
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const deptName = new Map((targets.data?.departments ?? []).map((d) => [d.code, d.name]));
  if (targets.error) return <Alert type="error" showIcon title={targets.error.message} />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="assignee-picker">
      <Radio.Group
        value={v.kind}
        onChange={(e) => {
          const kind = e.target.value as AssigneeValue['kind'];
          // A department usually works at the sub-district: start there.
          onChange?.(kind === 'department' ? { kind, orgNodeId: units.find((u) => u.kind === 'street')?.id } : { kind });
        }}
        optionType="button"
        options={[
          { value: 'unit', label: t('ev.assignee.unit') },
          { value: 'department', label: t('ev.assignee.department') },
          { value: 'person', label: t('ev.assignee.person') },
        ]}
        aria-label={t('ev.assignee.kind')}
        data-testid="assignee-kind"
      />
      {v.kind === 'unit' && (
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          value={v.orgNodeId}
          onChange={(id) => set({ orgNodeId: id })}
          options={unitOptions}
          placeholder={t('ev.assignee.node')}
          aria-label={t('ev.assignee.node')}
          style={{ width: '100%' }}
          loading={!targets.data}
          data-testid="assignee-unit"
        />
      )}
      {v.kind === 'department' && (
        <Space.Compact style={{ width: '100%' }}>
          <Select
            value={v.departmentCode}
            onChange={(code) => set({ departmentCode: code })}
            options={(targets.data?.departments ?? []).map((d) => ({ value: d.code, label: d.name }))}
            placeholder={t('ev.assignee.departmentCode')}
            aria-label={t('ev.assignee.departmentCode')}
            style={{ width: '45%' }}
            data-testid="assignee-department"
          />
          <Select
            value={v.orgNodeId}
            onChange={(id) => set({ orgNodeId: id })}
            options={unitOptions.filter((o) => units.find((u) => u.id === o.value)?.kind !== 'grid')}
            placeholder={t('ev.assignee.departmentAt')}
            aria-label={t('ev.assignee.departmentAt')}
            style={{ width: '55%' }}
          />
        </Space.Compact>
      )}
      {v.kind === 'person' && (
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          value={v.userId}
          onChange={(id) => set({ userId: id })}
          options={(targets.data?.handlers ?? []).map((h) => ({
            value: h.userId,
            label: `${h.displayName} · ${t(`role.${h.role}`)} · ${h.departmentCode ? (deptName.get(h.departmentCode) ?? h.departmentCode) : (unitName.get(h.orgNodeId) ?? '')}`,
          }))}
          placeholder={t('ev.assignee.user')}
          aria-label={t('ev.assignee.user')}
          style={{ width: '100%' }}
          data-testid="assignee-person"
        />
      )}
    </Space>
  );
}

/** `required` rule for the assignee picker inside an antd Form. */
export const assigneeRule = (message: string) => ({
  validator: (_: unknown, v: AssigneeValue | undefined) => (assigneeBody(v) ? Promise.resolve() : Promise.reject(new Error(message))),
});

interface Uploaded {
  id: string;
}

/**
 * Photos for a report or a step: each file goes to POST /api/v1/files (purpose event.photo)
 * as it is chosen; the form's value is the list of attachment ids.
 */
export function PhotoUpload({ value, onChange, testId, max = 9 }: { value?: string[]; onChange?: (ids: string[]) => void; testId?: string; max?: number }) {
  const { t } = useI18n();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  // A form reset clears the value: clear the list with it.
  useEffect(() => {
    if (!value || value.length === 0) setFiles((f) => (f.some((x) => x.status === 'uploading') ? f : []));
  }, [value]);
  const idsOf = (list: UploadFile[]) => list.filter((f) => f.status === 'done' && f.response).map((f) => (f.response as Uploaded).id);
  return (
    <>
      <Upload
        accept="image/*"
        listType="picture-card"
        multiple
        fileList={files}
        maxCount={max}
        customRequest={attachmentRequest<Uploaded>('event.photo', { onError: setError })}
        onChange={({ fileList }) => {
          setFiles(fileList);
          onChange?.(idsOf(fileList));
        }}
        data-testid={testId}
      >
        {files.length < max && (
          <Button type="text" aria-label={t('ev.report.upload')}>
            + {t('ev.report.upload')}
          </Button>
        )}
      </Upload>
      {error && <Alert type="error" showIcon title={error} closable={{ onClose: () => setError(null) }} />}
    </>
  );
}

/** Saves an xlsx from the server; the error (403, 400) shows as the server's message. */
export function useDownload() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (path: string, query: Parameters<typeof api.download>[1], fallbackName: string) => {
    setBusy(true);
    setError(null);
    try {
      await api.download(path, query, fallbackName);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const view = error ? <Alert type="error" showIcon title={error} closable={{ onClose: () => setError(null) }} /> : null;
  return { run, busy, view };
}
