/**
 * Pieces the registry pages share: cached look-ups (code lists, read scope, tag definitions),
 * the org-tree picker, the person picker, the department officer's purpose bar, and the
 * mapping of the server's field errors onto an antd form.
 */
import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { Alert, Button, Flex, Input, Select, Space, Tag, TreeSelect, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { api, ApiError, errorMessage, fieldErrors } from '../../../shared/api.js';
import { hasMessage, t as translate, useI18n } from '../../../shared/i18n.js';
import { CHILD_KIND, ORG_NODE_KINDS, type OrgNode, type OrgNodeKind, type OrgNodeWithAncestors, type Page } from '../../../shared/types.js';
import type { CodeLists, Paged, PersonListItem, ReadScope, TagList } from './types.js';

export const text = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));

/** One request per page load for data that changes rarely (code lists, the caller's scope). */
function cached<T>(load: () => Promise<T>) {
  let promise: Promise<T> | null = null;
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
    },
  };
}

const codes = cached(() => api.get<CodeLists>('/api/v1/registry/codes'));
const scope = cached(() => api.get<ReadScope>('/api/v1/people/scope'));
export const tagDefinitions = cached(() => api.get<TagList>('/api/v1/tags'));

function useCached<T>(source: { get: () => Promise<T> }): { data: T | undefined; error: ApiError | null } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    source.get().then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', String(e))),
    );
    return () => {
      live = false;
    };
  }, [source]);
  return { data, error };
}

export const useCodes = () => useCached(codes);
export const useScope = () => useCached(scope);
export const useTagDefinitions = () => useCached(tagDefinitions);

/** Options of a GB code list: the name is what is stored and shown; the code helps searching. */
export function codeOptions(list: { code: string; name: string }[] | undefined) {
  return (list ?? []).map((e) => ({ value: e.name, label: e.name, title: `${e.code} ${e.name}` }));
}

/** A stored (Chinese) enum value as the current language shows it; unknown values as they are. */
export const valueText = (v: unknown) => (typeof v === 'string' && v && hasMessage(`value.${v}`) ? translate(`value.${v}`) : text(v));

export const plainOptions = (list: readonly string[] | undefined) => (list ?? []).map((v) => ({ value: v, label: valueText(v) }));

/**
 * Puts the server's field errors beside the fields of `form`. Returns the message to show
 * above the form: null when every error found its field.
 */
export function applyServerErrors(form: FormInstance, e: unknown, known: readonly string[]): string | null {
  const byField = fieldErrors(e);
  const placed = Object.entries(byField).filter(([f]) => known.includes(f));
  if (placed.length) form.setFields(placed.map(([name, message]) => ({ name, errors: [message] })));
  return placed.length === Object.keys(byField).length && placed.length > 0 ? null : errorMessage(e);
}

interface TreeRow {
  id: string;
  pId: string | null;
  value: string;
  title: string;
  isLeaf: boolean;
  selectable: boolean;
}

const kindIndex = (k: OrgNodeKind) => ORG_NODE_KINDS.indexOf(k);

/**
 * Picks a node of the org tree, loading children as branches open. `deepest` is the lowest
 * kind offered (grid for filters, dwelling for placing a person); `selectable` limits which
 * kinds may be chosen.
 */
export function OrgNodeSelect({
  value,
  onChange,
  deepest = 'grid',
  selectable,
  placeholder,
  style,
  testId,
  allowClear = true,
}: {
  value?: string | null;
  onChange?: (id: string | undefined) => void;
  deepest?: OrgNodeKind;
  selectable?: OrgNodeKind[];
  placeholder?: string;
  style?: CSSProperties;
  testId?: string;
  allowClear?: boolean;
}) {
  const { t } = useI18n();
  const [rows, setRows] = useState<TreeRow[]>([]);
  const loaded = useRef(new Set<string>());
  const toRow = (n: OrgNode, title = n.name): TreeRow => ({
    id: n.id,
    pId: n.parentId,
    value: n.id,
    title: `${title}（${t(`kind.${n.kind}`)}）`,
    isLeaf: n.kind === deepest || !CHILD_KIND[n.kind] || kindIndex(n.kind) >= kindIndex(deepest),
    selectable: !selectable || selectable.includes(n.kind),
  });
  const add = (items: TreeRow[]) => setRows((old) => [...old, ...items.filter((r) => !old.some((o) => o.id === r.id))]);

  useEffect(() => {
    let live = true;
    api.get<Page<OrgNode>>('/api/v1/org/nodes', { pageSize: 500 }).then(
      (p) => live && add(p.items.map((n) => toRow(n))),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);

  // A value chosen elsewhere (an edit form) may sit deep in a branch not loaded yet: show its path.
  useEffect(() => {
    if (!value || rows.some((r) => r.id === value)) return;
    let live = true;
    api.get<OrgNodeWithAncestors>(`/api/v1/org/nodes/${encodeURIComponent(value)}`).then(
      (n) => {
        if (!live) return;
        const path = [...n.ancestors.slice(-3).map((a) => a.name)].join(' › ');
        add([{ ...toRow(n, path || n.name), pId: null }]);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [value]);

  const loadData = async (node: { id?: string; value?: unknown }) => {
    const id = String(node.id ?? node.value);
    if (loaded.current.has(id)) return;
    loaded.current.add(id);
    try {
      const p = await api.get<Page<OrgNode>>('/api/v1/org/nodes', { parentId: id, pageSize: 500 });
      add(p.items.filter((n) => kindIndex(n.kind) <= kindIndex(deepest)).map((n) => toRow(n)));
    } catch {
      loaded.current.delete(id);
    }
  };

  return (
    <TreeSelect
      value={value ?? undefined}
      onChange={(v) => onChange?.((v as string | undefined) ?? undefined)}
      treeDataSimpleMode
      treeData={rows}
      loadData={loadData}
      allowClear={allowClear}
      placeholder={placeholder ?? t('reg.areaPlaceholder')}
      style={{ minWidth: 220, ...style }}
      data-testid={testId}
      aria-label={placeholder ?? t('reg.areaPlaceholder')}
      popupMatchSelectWidth={false}
    />
  );
}

/** Finds a person of the caller's scope by name, pinyin, ID or address (the list's own search). */
export function PersonPicker({ value, onChange, placeholder, testId }: { value?: string; onChange?: (id: string | undefined) => void; placeholder?: string; testId?: string }) {
  const { t } = useI18n();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const search = (q: string) => {
    clearTimeout(timer.current);
    if (q.trim().length < 1) return;
    timer.current = setTimeout(() => {
      setLoading(true);
      api
        .get<Paged<PersonListItem>>('/api/v1/people', { q: q.trim(), pageSize: 10 })
        .then((p) => setOptions(p.items.map((x) => ({ value: x.id, label: [x.name, x.idNumber, x.address].filter(Boolean).join(' · ') }))))
        .catch(() => setOptions([]))
        .finally(() => setLoading(false));
    }, 300);
  };
  return (
    <Select
      value={value}
      onChange={onChange}
      options={options}
      loading={loading}
      allowClear
      showSearch={{ filterOption: false, onSearch: search }}
      placeholder={placeholder ?? t('reg.personPlaceholder')}
      notFoundContent={null}
      style={{ width: '100%' }}
      data-testid={testId}
    />
  );
}

/**
 * A department officer states why they read before anything is listed (PIPL: the purpose is
 * audited and shown to the resident). Staff who read whole records never see this.
 */
export function PurposeBar({ scope, purpose, onPurpose }: { scope: ReadScope; purpose: string; onPurpose: (p: string) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(purpose);
  const [editing, setEditing] = useState(!purpose);
  const [error, setError] = useState(false);
  const departments = scope.departments.map((d) => d.name).join('、');
  const tags = [...new Set(scope.departments.flatMap((d) => d.tags))].join('、');
  if (!scope.purposeRequired) return null;
  const submit = () => {
    const p = draft.trim();
    if (p.length < 2) return setError(true);
    setError(false);
    setEditing(false);
    onPurpose(p);
  };
  return (
    <Alert
      type={purpose ? 'info' : 'warning'}
      showIcon
      data-testid="purpose-bar"
      title={t('reg.purposeTitle')}
      description={
        <Flex vertical gap={8}>
          <span>{t('reg.purposeExplain', { departments, tags })}</span>
          {editing ? (
            <Space.Compact style={{ maxWidth: 560 }}>
              <Input
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                onPressEnter={submit}
                placeholder={t('reg.purposeHint')}
                aria-label={t('reg.purpose')}
                status={error ? 'error' : undefined}
                maxLength={200}
                data-testid="purpose-input"
              />
              <Button type="primary" onClick={submit} data-testid="purpose-set">
                {t('reg.purposeSet')}
              </Button>
            </Space.Compact>
          ) : (
            <Space>
              <Typography.Text strong>{t('reg.purposeCurrent', { purpose })}</Typography.Text>
              <Button size="small" onClick={() => setEditing(true)}>
                {t('reg.purposeChange')}
              </Button>
            </Space>
          )}
          {error && <Typography.Text type="danger">{t('reg.purposeRequired')}</Typography.Text>}
        </Flex>
      }
    />
  );
}

/** Tags as small labels; the list may be absent (outside a mandate). */
export function TagList({ tags }: { tags?: string[] }) {
  if (!tags || tags.length === 0) return <>—</>;
  return (
    <Flex gap={4} wrap>
      {tags.map((x) => (
        <Tag key={x} color="geekblue" style={{ marginInlineEnd: 0 }}>
          {x}
        </Tag>
      ))}
    </Flex>
  );
}

/** Runs a download and reports the outcome in a line under the buttons. */
export function useDownload() {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const run = async (path: string, query?: Parameters<typeof api.download>[1], fallbackName?: string) => {
    setBusy(true);
    setMessage(null);
    try {
      const name = await api.download(path, query, fallbackName);
      setMessage({ type: 'success', text: t('reg.exported', { name }) });
    } catch (e) {
      setMessage({ type: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  const view = useMemo(() => (message ? <Alert type={message.type} showIcon title={message.text} closable={{ onClose: () => setMessage(null) }} data-testid="download-message" /> : null), [message]);
  return { run, busy, view };
}
