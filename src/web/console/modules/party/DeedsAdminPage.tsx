import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Descriptions, Drawer, Input, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { PersonPicker } from '../registry/common.js';
import './engagement.messages.js';

const DEEDS = '/api/v1/deeds';
type Status = 'pending' | 'verified' | 'rejected';

/** Shapes of src/modules/party/deeds.schema.ts (ZDeed). */
interface Deed {
  id: string;
  orgNodeId: string;
  orgNodeName: string | null;
  doerName: string;
  doerPersonId: string | null;
  doerIsRegistryPerson: boolean;
  title: string;
  description: string;
  happenedOn: string;
  place: string | null;
  photos: { id: string; name: string; mime: string }[];
  witnesses: { name: string; phoneMasked: string | null }[];
  nameConsent: boolean;
  status: Status;
  rejectReason: string | null;
  points: number | null;
  reporterName: string;
  decidedByName: string | null;
  decidedAt: string | null;
  doerBalance: number | null;
  createdAt: string;
  version: number;
}
interface Setting {
  orgNodeId: string;
  orgNodeName: string;
  nameDisplay: 'masked' | 'consent';
  inheritedFrom: string | null;
}

/** /console/party/deeds: the good deeds of my area to verify (points deposited) or reject, and how the honour roll shows names. */
export default function DeedsAdminPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('pty.menu') }, { title: t('cpe.menu.deeds') }]);
  const [status, setStatus] = useState<Status | 'all'>('pending');
  const [open, setOpen] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: Deed[]; total: number }>(DEEDS, { status, pageSize: 100 }, signal), [status]);
  if (list.missing) return <NotEnabled path={DEEDS} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="party-deeds-page">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('cgd.queue')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('cgd.rulesHint')}</Typography.Text>
      <Segmented
        value={status}
        onChange={(v) => setStatus(v as Status | 'all')}
        options={(['pending', 'verified', 'rejected', 'all'] as const).map((s) => ({ value: s, label: s === 'all' ? t('cpe.all') : t(`cgd.status.${s}`) }))}
      />
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        data-testid="deeds-table"
        columns={[
          { title: t('cgd.happenedOn'), dataIndex: 'happenedOn', width: 110 },
          { title: t('cgd.doer'), width: 150, render: (_, d: Deed) => <>{d.doerName} <Tag>{d.doerIsRegistryPerson ? t('cgd.registry') : t('cgd.nameOnly')}</Tag></> },
          { title: t('cgd.title'), dataIndex: 'title' },
          { title: t('cgd.reporter'), dataIndex: 'reporterName', width: 150 },
          { title: t('cgd.points'), width: 70, render: (_, d: Deed) => d.points ?? '—' },
          { title: '', width: 160, render: (_, d: Deed) => <Space><Tag color={d.status === 'verified' ? 'green' : d.status === 'rejected' ? 'red' : 'orange'}>{t(`cgd.status.${d.status}`)}</Tag><Button size="small" onClick={() => setOpen(d.id)} data-testid={`deed-open-${d.title}`}>{t('cpe.open')}</Button></Space> },
        ]}
      />
      <Settings />
      {open && <DeedDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
    </Space>
  );
}

function DeedDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const detail = useApi((signal) => api.get<Deed>(`${DEEDS}/${id}`, undefined, signal), [id]);
  const [personId, setPersonId] = useState('');
  const [consent, setConsent] = useState<boolean | undefined>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const d = detail.data;
  const act = async (fn: () => Promise<Deed>) => {
    setBusy(true);
    setError(null);
    try {
      const r = await fn();
      setDone(r.status === 'verified' ? (r.points !== null ? t('cgd.verified', { n: r.points }) : t('cgd.verifiedNoPoints')) : t(`cgd.status.${r.status}`));
      detail.reload();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Drawer open width={680} title={d?.title} onClose={onClose}>
      {detail.error && <Alert type="error" showIcon title={detail.error.message} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="deed-error" />}
      {done && <Alert type="success" showIcon title={done} style={{ marginBottom: 12 }} data-testid="deed-done" />}
      {d && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('cgd.doer')}>
              {d.doerName} <Tag>{d.doerIsRegistryPerson ? t('cgd.registry') : t('cgd.nameOnly')}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('cgd.happenedOn')}>{d.happenedOn}</Descriptions.Item>
            <Descriptions.Item label={t('cgd.place')}>{d.place ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('cgd.description')}>
              <span style={{ whiteSpace: 'pre-wrap' }}>{d.description}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('cgd.witnesses')}>{d.witnesses.length ? d.witnesses.map((w) => `${w.name}${w.phoneMasked ? ` ${w.phoneMasked}` : ''}`).join('；') : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('cgd.photos')}>
              {d.photos.length
                ? d.photos.map((p) => (
                    <a key={p.id} href={`/api/v1/files/${p.id}`} target="_blank" rel="noreferrer" style={{ marginRight: 8 }}>
                      {p.name}
                    </a>
                  ))
                : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('cgd.reporter')}>
              {d.reporterName} · {formatDateTime(d.createdAt)}
            </Descriptions.Item>
            <Descriptions.Item label={t('cgd.consent')}>{d.nameConsent ? '✓' : '✕'}</Descriptions.Item>
            {d.status !== 'pending' && (
              <Descriptions.Item label={t(`cgd.status.${d.status}`)}>
                {d.decidedByName} · {formatDateTime(d.decidedAt)}
                {d.rejectReason ? ` · ${d.rejectReason}` : ''}
                {d.points !== null ? ` · ${t('cgd.verified', { n: d.points })}` : ''}
              </Descriptions.Item>
            )}
          </Descriptions>
          {d.doerBalance !== null && <Typography.Text>{t('cgd.balance', { n: d.doerBalance })}</Typography.Text>}
          {d.status === 'pending' && (
            <Card size="small">
              <Space direction="vertical" style={{ width: '100%' }}>
                {!d.doerIsRegistryPerson && (
                  <>
                    <Typography.Text>{t('cgd.link')}</Typography.Text>
                    <PersonPicker value={personId || undefined} onChange={(v) => setPersonId(v ?? '')} testId="deed-person" />
                    <Typography.Text type="secondary">{t('cgd.linkHint')}</Typography.Text>
                  </>
                )}
                <Checkbox checked={consent ?? d.nameConsent} onChange={(e) => setConsent(e.target.checked)}>
                  {t('cgd.consent')}
                </Checkbox>
                <Button type="primary" loading={busy} onClick={() => void act(() => api.post<Deed>(`${DEEDS}/${d.id}/verify`, { doerPersonId: personId || undefined, nameConsent: consent }))} data-testid="deed-verify">
                  {t('cgd.verify')}
                </Button>
                <Space.Compact style={{ width: '100%' }}>
                  <Input placeholder={t('cgd.rejectReason')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
                  <Button danger loading={busy} onClick={() => void act(() => api.post<Deed>(`${DEEDS}/${d.id}/reject`, { reason, expectedVersion: d.version }))}>
                    {t('cgd.reject')}
                  </Button>
                </Space.Compact>
              </Space>
            </Card>
          )}
        </Space>
      )}
    </Drawer>
  );
}

/** How the honour roll shows names, for the communities (or streets) the caller verifies deeds of. */
function Settings() {
  const { t } = useI18n();
  const session = useSession();
  const nodes = [...new Set((session.me?.roles ?? []).filter((g) => g.role === 'community_staff' || g.role === 'party_secretary').map((g) => g.orgNodeId))];
  const [nodeId, setNodeId] = useState<string | undefined>();
  const node = nodeId ?? nodes[0];
  const setting = useApi((signal) => (node ? api.get<Setting>(`${DEEDS}/settings`, { orgNodeId: node }, signal) : Promise.resolve(undefined)), [node]);
  const [error, setError] = useState<string | null>(null);
  if (!node) return null;
  const change = async (nameDisplay: 'masked' | 'consent') => {
    setError(null);
    try {
      await api.put(`${DEEDS}/settings`, { orgNodeId: node, nameDisplay });
      setting.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const s = setting.data;
  return (
    <Card size="small" title={t('cgd.settings')} data-testid="deeds-settings">
      <Space direction="vertical">
        {nodes.length > 1 && <Select style={{ width: 220 }} value={node} onChange={setNodeId} options={nodes.map((n) => ({ value: n, label: n }))} />}
        {setting.error && <Alert type="error" showIcon title={setting.error.message} />}
        {error && <Alert type="error" showIcon title={error} />}
        {s && (
          <>
            <Typography.Text>
              {s.orgNodeName}
              {s.inheritedFrom ? t('cgd.inherited', { from: s.inheritedFrom }) : ''}
            </Typography.Text>
            <Segmented value={s.nameDisplay} onChange={(v) => void change(v as 'masked' | 'consent')} options={(['consent', 'masked'] as const).map((v) => ({ value: v, label: t(`cgd.display.${v}`) }))} />
            <a href={`/m/deeds/honour/${s.orgNodeId}`} target="_blank" rel="noreferrer">
              {t('cgd.honourLink')}
            </a>
          </>
        )}
      </Space>
    </Card>
  );
}
