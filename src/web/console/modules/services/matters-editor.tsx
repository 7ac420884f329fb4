import { useState } from 'react';
import { Alert, Button, Checkbox, Drawer, Flex, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { api, ApiError, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { MatterDetail, MatterGroupList, MatterSummary, MatterVersions } from '../../../shared/services-more.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import './more.messages.js';

const BASE = '/api/v1/service-matters';
type StaffMatter = MatterSummary & { mayEdit: boolean };

/** A version's content as the editor's JSON: the answer's extras (labels, nulls) left out. */
export function editableContent(content: MatterDetail['content']): unknown {
  const strip = (v: unknown, top = false): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === 'formLabel') continue;
        if (x === null && !(top && k === 'form')) continue;
        out[k] = strip(x);
      }
      return out;
    }
    return v;
  };
  return strip(content, true);
}

/** Server validation details as lines: `materials.0.code: …`. */
function detailLines(e: unknown): string[] {
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return [];
  return (e.details as { field?: string; message?: string }[]).map((d) => `${(d.field ?? '').replace(/^body\.(content\.)?/, '')}: ${d.message ?? ''}`);
}

function EditModal({ matter, fromVersion, onClose, onSaved }: { matter: StaffMatter; fromVersion: number; onClose: () => void; onSaved: (v: number) => void }) {
  const { t } = useI18n();
  const loaded = useApi((signal) => api.get<MatterDetail>(`${BASE}/${matter.code}/versions/${fromVersion}`, undefined, signal), [matter.code, fromVersion]);
  const [text, setText] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [publish, setPublish] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; lines: string[] } | null>(null);
  const value = text ?? (loaded.data ? JSON.stringify(editableContent(loaded.data.content), null, 2) : '');
  const save = async () => {
    let content: unknown;
    try {
      content = JSON.parse(value);
    } catch (e) {
      return setError({ message: t('svb.mt.jsonInvalid', { message: (e as Error).message }), lines: [] });
    }
    setBusy(true);
    setError(null);
    try {
      const saved = await api.post<MatterDetail>(`${BASE}/${matter.code}/versions`, { content, note: note.trim() || undefined, publish, baseVersion: matter.latestVersion });
      onSaved(saved.version);
    } catch (e) {
      setError({ message: errorMessage(e), lines: detailLines(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      width={860}
      title={t('svb.mt.editTitle', { name: matter.name, v: fromVersion })}
      onCancel={onClose}
      onOk={() => void save()}
      confirmLoading={busy}
      okText={t('svb.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'matter-save' }}
    >
      {loaded.error && <Alert type="error" showIcon title={loaded.error.message} />}
      <Typography.Text type="secondary">{t('svb.mt.content')}</Typography.Text>
      <Input.TextArea
        value={value}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 16, maxRows: 28 }}
        spellCheck={false}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 13 }}
        aria-label={t('svb.mt.content')}
        data-testid="matter-json"
      />
      <Flex gap={12} align="center" style={{ marginTop: 12 }} wrap>
        <Input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('svb.mt.note')} aria-label={t('svb.mt.note')} maxLength={200} style={{ maxWidth: 420 }} data-testid="matter-note" />
        <Checkbox checked={publish} onChange={(e) => setPublish(e.target.checked)} data-testid="matter-publish-now">
          {t('svb.mt.publishNow')}
        </Checkbox>
      </Flex>
      {error && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          title={error.message}
          description={
            error.lines.length ? (
              <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="matter-errors">
                {error.lines.map((l, i) => (
                  <li key={i}>{l}</li>
                ))}
              </ul>
            ) : undefined
          }
        />
      )}
    </Modal>
  );
}

function VersionsDrawer({ matter, onClose, onEdit, onChanged }: { matter: StaffMatter; onClose: () => void; onEdit: (v: number) => void; onChanged: (msg: string) => void }) {
  const { t } = useI18n();
  const versions = useApi((signal) => api.get<MatterVersions>(`${BASE}/${matter.code}/versions`, undefined, signal), [matter.code]);
  const [error, setError] = useState<string | null>(null);
  const publish = async (v: number) => {
    setError(null);
    try {
      await api.post(`${BASE}/${matter.code}/versions/${v}/publish`, {});
      versions.reload();
      onChanged(t('svb.mt.publishedOk', { v }));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open width={640} title={`${matter.name} · ${t('svb.mt.versions')}`} onClose={onClose} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} />}
      <Table
        rowKey="version"
        size="small"
        loading={versions.loading}
        dataSource={versions.data?.items ?? []}
        pagination={false}
        data-testid="matter-versions"
        columns={[
          { title: t('svb.mt.version'), dataIndex: 'version', width: 70, render: (v: number, r) => (r.published ? <Tag color="green">{`${v} · ${t('svb.mt.published')}`}</Tag> : v) },
          { title: t('svb.mt.note'), dataIndex: 'note', render: (n: string | null, r) => n ?? r.name },
          { title: '', key: 'by', width: 170, render: (_, r) => t('svb.mt.by', { name: r.createdBy ?? '', at: formatDateTime(r.createdAt) }) },
          {
            title: t('svb.actions'),
            key: 'a',
            width: 170,
            render: (_, r) =>
              matter.mayEdit ? (
                <Space>
                  {!r.published && (
                    <Button size="small" type="primary" onClick={() => void publish(r.version)} data-testid="matter-version-publish">
                      {t('svb.mt.publish')}
                    </Button>
                  )}
                  <Button size="small" onClick={() => onEdit(r.version)}>
                    {t('svb.edit')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
    </Drawer>
  );
}

/** 办事指南管理: the staff list, versions, edit as a new version, publish, withdraw, poster and QR. */
export default function MattersEditorPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('svb.crumb') }, { title: t('svb.menu.matters') }]);
  const [q, setQ] = useState('');
  const [group, setGroup] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const groups = useApi((signal) => api.get<MatterGroupList>(`${BASE}/groups`, undefined, signal), []);
  const list = useApi((signal) => api.get<{ items: StaffMatter[]; total: number }>(`${BASE}/staff`, { q: q || undefined, group, status }, signal), [q, group, status, tick]);
  const [versionsOf, setVersionsOf] = useState<StaffMatter | null>(null);
  const [editing, setEditing] = useState<{ matter: StaffMatter; from: number } | null>(null);
  const [note, setNote] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const qr = async (m: StaffMatter) => {
    try {
      await api.download(`${BASE}/${m.code}/qr`, { format: 'png', size: 1024 }, `${m.code}.png`);
    } catch (e) {
      setNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  const setMatterStatus = async (m: StaffMatter, s: 'published' | 'withdrawn') => {
    try {
      await api.patch(`${BASE}/${m.code}`, { status: s });
      setTick((n) => n + 1);
    } catch (e) {
      setNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  if (list.missing) return <NotEnabled path={BASE} />;
  const columns: ColumnsType<StaffMatter> = [
    { title: t('svb.mt.code'), dataIndex: 'code', width: 150 },
    { title: t('svb.mt.name'), dataIndex: 'name', render: (n: string, m) => (m.orgNodeName ? `${n}（${m.orgNodeName}）` : n) },
    { title: t('svb.mt.group'), dataIndex: 'groupName', width: 110 },
    {
      title: t('svb.mt.status'),
      dataIndex: 'status',
      width: 100,
      render: (s: string) => (
        <Tag color={s === 'published' ? 'green' : s === 'withdrawn' ? 'red' : 'default'} data-testid="matter-status" data-status={s}>
          {t(`svb.mt.status.${s}`)}
        </Tag>
      ),
    },
    { title: t('svb.mt.version'), key: 'v', width: 90, render: (_, m) => `${m.publishedVersion ?? '—'} / ${m.latestVersion}` },
    {
      title: t('svb.actions'),
      key: 'actions',
      width: 470,
      render: (_, m) => (
        <Space wrap size={4}>
          <Button size="small" onClick={() => setVersionsOf(m)} data-testid="matter-versions-open">
            {t('svb.mt.versions')}
          </Button>
          {m.mayEdit && (
            <Button size="small" onClick={() => setEditing({ matter: m, from: m.latestVersion })} data-testid="matter-edit">
              {t('svb.mt.edit')}
            </Button>
          )}
          {m.mayEdit && m.status === 'published' && (
            <Button size="small" danger onClick={() => void setMatterStatus(m, 'withdrawn')}>
              {t('svb.mt.withdraw')}
            </Button>
          )}
          {m.mayEdit && m.status === 'withdrawn' && <Button size="small" onClick={() => void setMatterStatus(m, 'published')}>{t('svb.mt.restore')}</Button>}
          <Button size="small" href={`${BASE}/${m.code}/poster`} target="_blank" rel="noopener">
            {t('svb.mt.poster')}
          </Button>
          <Button size="small" onClick={() => void qr(m)}>
            {t('svb.mt.qr')}
          </Button>
          <Button size="small" type="link" href={m.mobilePath} target="_blank" rel="noopener">
            {t('svb.mt.mobile')}
          </Button>
        </Space>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Space wrap>
        <Input.Search allowClear placeholder={t('svb.mt.search')} aria-label={t('svb.mt.search')} style={{ width: 240 }} onSearch={(v) => setQ(v.trim())} data-testid="matters-search" />
        <Select allowClear style={{ width: 160 }} value={group} onChange={setGroup} placeholder={t('svb.mt.group')} aria-label={t('svb.mt.group')} options={(groups.data?.items ?? []).map((g) => ({ value: g.code, label: g.name }))} />
        <Select
          allowClear
          style={{ width: 120 }}
          value={status}
          onChange={setStatus}
          placeholder={t('svb.mt.status')}
          aria-label={t('svb.mt.status')}
          options={['draft', 'published', 'withdrawn'].map((s) => ({ value: s, label: t(`svb.mt.status.${s}`) }))}
        />
      </Space>
      {note && <Alert type={note.kind} showIcon title={note.text} closable={{ onClose: () => setNote(null) }} data-testid="matters-note" />}
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table rowKey="id" size="middle" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={{ pageSize: 20, showTotal: (total) => t('common.total', { total }) }} scroll={{ x: 1100 }} data-testid="matters-table" />
      )}
      {versionsOf && (
        <VersionsDrawer
          matter={versionsOf}
          onClose={() => setVersionsOf(null)}
          onEdit={(v) => setEditing({ matter: versionsOf, from: v })}
          onChanged={(msg) => {
            setNote({ kind: 'success', text: msg });
            setTick((n) => n + 1);
          }}
        />
      )}
      {editing && (
        <EditModal
          matter={editing.matter}
          fromVersion={editing.from}
          onClose={() => setEditing(null)}
          onSaved={(v) => {
            setEditing(null);
            setNote({ kind: 'success', text: t('svb.mt.savedVersion', { v }) });
            setTick((n) => n + 1);
          }}
        />
      )}
    </Flex>
  );
}
