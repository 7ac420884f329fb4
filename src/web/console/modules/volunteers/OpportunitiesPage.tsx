import { useEffect, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, Checkbox, DatePicker, Descriptions, Drawer, Form, Input, InputNumber, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import { PictureUpload } from './common.js';
import { CATEGORIES, hoursOf, type Opportunity, type SignupRow, type Team, type Volunteer } from './types.js';

const API = '/api/v1/volunteer-opportunities';

interface FormValues {
  orgNodeId: string;
  teamId?: string | null;
  category: string;
  title: string;
  description?: string;
  place: string;
  times: [Dayjs, Dayjs];
  deadline: Dayjs;
  quota: number;
  skills?: string[];
  creditMinutes?: number | null;
  requiresApproval?: boolean;
  coverAttachmentId?: string | null;
}

/** New opportunity or edits of one (times fixed once people signed up; the server says so). */
function EditDrawer({ opp, onClose }: { opp: Opportunity | null; onClose: (id: string | null) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [cover, setCover] = useState<string | null>(opp?.coverAttachmentId ?? null);
  const teams = useApi((signal) => api.get<{ items: Team[] }>('/api/v1/volunteer-teams', undefined, signal), []);
  const save = async (v: FormValues, publish: boolean) => {
    setError(null);
    setBusy(true);
    const body = {
      teamId: v.teamId ?? null,
      category: v.category,
      title: v.title,
      description: v.description ?? '',
      place: v.place,
      startsAt: v.times[0].toISOString(),
      endsAt: v.times[1].toISOString(),
      signupDeadline: v.deadline.toISOString(),
      quota: v.quota,
      skills: v.skills ?? [],
      creditMinutes: v.creditMinutes ?? undefined,
      requiresApproval: !!v.requiresApproval,
      coverAttachmentId: cover,
    };
    try {
      const saved = opp ? await api.patch<Opportunity>(`${API}/${opp.id}`, { ...body, expectedVersion: opp.version }) : await api.post<Opportunity>(API, { ...body, orgNodeId: v.orgNodeId, publish });
      onClose(saved.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const tomorrow = dayjs().add(1, 'day').hour(9).minute(0).second(0);
  return (
    <Drawer open width={640} title={opp ? `${t('cvo.opp.edit')}：${opp.title}` : t('cvo.opp.new')} onClose={() => onClose(null)} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={
          opp
            ? { orgNodeId: opp.orgNodeId, teamId: opp.teamId, category: opp.category, title: opp.title, description: opp.description, place: opp.place, times: [dayjs(opp.startsAt), dayjs(opp.endsAt)], deadline: dayjs(opp.signupDeadline), quota: opp.quota, skills: opp.skills, creditMinutes: opp.creditMinutes, requiresApproval: opp.requiresApproval }
            : { category: '助老', times: [tomorrow, tomorrow.add(2, 'hour')], deadline: tomorrow.subtract(1, 'hour'), quota: 10 }
        }
        data-testid="volunteer-opportunity-form"
      >
        {!opp && (
          <Form.Item name="orgNodeId" label={t('cvo.opp.node')} rules={[{ required: true }]}>
            <OrgNodeSelect selectable={['street', 'community', 'grid']} />
          </Form.Item>
        )}
        <Form.Item name="title" label={t('cvo.opp.title')} rules={[{ required: true, min: 4 }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="category" label={t('cvo.opp.category')}>
            <Select style={{ width: 140 }} options={CATEGORIES.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
          <Form.Item name="teamId" label={t('cvo.opp.team')}>
            <Select allowClear style={{ width: 280 }} options={(teams.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))} />
          </Form.Item>
        </Space>
        <Form.Item name="place" label={t('cvo.opp.place')} rules={[{ required: true, min: 2 }]}>
          <Input maxLength={120} />
        </Form.Item>
        <Form.Item name="times" label={t('cvo.opp.time')} rules={[{ required: true }]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="deadline" label={t('cvo.opp.deadline')} rules={[{ required: true }]}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="quota" label={t('cvo.opp.quota')} rules={[{ required: true }]}>
            <InputNumber min={1} max={10000} />
          </Form.Item>
          <Form.Item name="creditMinutes" label={t('cvo.opp.credit')}>
            <InputNumber min={1} max={1440} />
          </Form.Item>
        </Space>
        <Form.Item name="skills" label={t('cvo.skills')}>
          <Select mode="tags" maxCount={10} />
        </Form.Item>
        <Form.Item name="description" label={t('cvo.opp.description')}>
          <Input.TextArea rows={4} maxLength={3000} />
        </Form.Item>
        <Form.Item name="requiresApproval" valuePropName="checked">
          <Checkbox>{t('cvo.opp.approval')}</Checkbox>
        </Form.Item>
        <Form.Item label={t('cvo.opp.cover')}>
          <PictureUpload purpose="volunteers.cover" label={t('cvo.opp.upload')} uploaded={!!cover} onUploaded={setCover} onError={setError} />
        </Form.Item>
        <Space>
          {opp ? (
            <Button type="primary" loading={busy} onClick={() => void form.validateFields().then((v) => save(v, false))}>
              {t('cvo.opp.save')}
            </Button>
          ) : (
            <>
              <Button type="primary" loading={busy} onClick={() => void form.validateFields().then((v) => save(v, true))} data-testid="volunteer-opportunity-publish">
                {t('cvo.opp.publishNow')}
              </Button>
              <Button loading={busy} onClick={() => void form.validateFields().then((v) => save(v, false))}>
                {t('cvo.opp.saveDraft')}
              </Button>
            </>
          )}
        </Space>
      </Form>
    </Drawer>
  );
}

/** The rotating check-in / check-out code for a screen at the place: fetched again every 30 s (each valid 2 min). */
function AttendanceQr({ id, action }: { id: string; action: 'in' | 'out' }) {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((n) => n + 1), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  const qr = useApi((signal) => api.get<{ svg: string; path: string; url: string; expiresAt: string }>(`${API}/${id}/attendance-qr`, { action }, signal), [id, action, tick]);
  if (qr.error) return <Alert type="warning" showIcon title={qr.error.message} />;
  if (!qr.data) return null;
  return (
    <div style={{ textAlign: 'center' }} data-testid={`volunteer-console-qr-${action}`} data-path={qr.data.path}>
      <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.data.svg)}`} alt={t(`cvo.qr.${action}`)} style={{ width: 280, height: 280 }} />
      <div>{t('cvo.qr.until', { at: formatDateTime(qr.data.expiresAt).slice(11) })}</div>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 420, margin: '8px auto' }}>
        {t('cvo.qr.hint')}
      </Typography.Paragraph>
    </div>
  );
}

function Detail({ id, onClose, onEdit, onChanged }: { id: string; onClose: () => void; onEdit: (o: Opportunity) => void; onChanged: () => void }) {
  const { t } = useI18n();
  const data = useApi((signal) => api.get<{ opportunity: Opportunity; items: SignupRow[] }>(`${API}/${id}/signups`, undefined, signal), [id]);
  const [qr, setQr] = useState<'in' | 'out' | null>(null);
  const [reason, setReason] = useState('');
  const [cancelReason, setCancelReason] = useState('');
  const [pick, setPick] = useState<string | undefined>();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const o = data.data?.opportunity;
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      data.reload();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const search = (q: string) => {
    if (!q.trim()) return;
    api
      .get<{ items: Volunteer[] }>('/api/v1/volunteers', { q: q.trim(), pageSize: 10, status: 'active' })
      .then((p) => setOptions(p.items.map((v) => ({ value: v.id, label: `${v.name} · ${v.number}` }))))
      .catch(() => setOptions([]));
  };
  return (
    <Drawer open width={860} title={o?.title ?? ''} onClose={onClose} destroyOnHidden>
      {(error || data.error) && <Alert type="error" showIcon title={error ?? data.error!.message} style={{ marginBottom: 12 }} />}
      {o && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" bordered column={2}>
            <Descriptions.Item label={t('cvo.opp.category')}>{o.category}</Descriptions.Item>
            <Descriptions.Item label={t('cvo.status')}>
              <Tag>{t(`cvo.opp.status.${o.status}`)}</Tag> <Tag>{t(`cvo.opp.phase.${o.phase}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('cvo.opp.time')}>{`${formatDateTime(o.startsAt)} – ${formatDateTime(o.endsAt).slice(11)}`}</Descriptions.Item>
            <Descriptions.Item label={t('cvo.opp.place')}>{o.place}</Descriptions.Item>
            <Descriptions.Item label={t('cvo.opp.taken')}>{`${o.taken} / ${o.quota}`}</Descriptions.Item>
            <Descriptions.Item label={t('cvo.opp.waiting')}>{o.waiting}</Descriptions.Item>
            <Descriptions.Item label={t('cvo.opp.deadline')}>{formatDateTime(o.signupDeadline)}</Descriptions.Item>
            <Descriptions.Item label={t('cvo.hours')}>{hoursOf(o.creditMinutes)}</Descriptions.Item>
            <Descriptions.Item label={t('cvo.opp.share')} span={2}>
              <Space>
                <img src={o.qrPath} alt="" style={{ width: 72, height: 72 }} />
                <Typography.Text copyable>{`${window.location.origin}${o.sharePath}`}</Typography.Text>
              </Space>
            </Descriptions.Item>
          </Descriptions>
          <Space wrap>
            {o.status === 'draft' && (
              <Button type="primary" onClick={() => void act(() => api.post(`${API}/${o.id}/publish`, { expectedVersion: o.version }))}>
                {t('cvo.opp.publish')}
              </Button>
            )}
            {o.status !== 'cancelled' && <Button onClick={() => onEdit(o)}>{t('cvo.opp.edit')}</Button>}
            {o.status === 'published' && o.phase !== 'past' && (
              <>
                <Button type={qr === 'in' ? 'primary' : 'default'} onClick={() => setQr(qr === 'in' ? null : 'in')} data-testid="volunteer-console-show-qr-in">
                  {t('cvo.qr.in')}
                </Button>
                <Button type={qr === 'out' ? 'primary' : 'default'} onClick={() => setQr(qr === 'out' ? null : 'out')}>
                  {t('cvo.qr.out')}
                </Button>
              </>
            )}
            {o.status !== 'cancelled' && (
              <Space.Compact>
                <Input value={cancelReason} onChange={(e) => setCancelReason(e.target.value)} placeholder={t('cvo.opp.cancelReason')} style={{ width: 260 }} />
                <Button danger disabled={cancelReason.trim().length < 2} onClick={() => void act(() => api.post(`${API}/${o.id}/cancel`, { reason: cancelReason.trim() }))}>
                  {t('cvo.opp.cancel')}
                </Button>
              </Space.Compact>
            )}
          </Space>
          {qr && <AttendanceQr id={o.id} action={qr} />}
          <Typography.Title level={5}>{t('cvo.signups')}</Typography.Title>
          {o.status === 'published' && o.phase !== 'past' && (
            <Space wrap>
              <Select value={pick} onChange={setPick} options={options} showSearch={{ filterOption: false, onSearch: search }} placeholder={t('cvo.team.pick')} style={{ width: 260 }} allowClear notFoundContent={null} />
              <Button disabled={!pick} onClick={() => void act(() => api.post(`${API}/${o.id}/signups`, { volunteerId: pick }).then(() => setPick(undefined)))}>
                {t('cvo.signups.onBehalf')}
              </Button>
              <Input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('cvo.signups.declineReason')} style={{ width: 220 }} />
            </Space>
          )}
          <Table
            rowKey="id"
            size="small"
            loading={data.loading}
            dataSource={data.data?.items ?? []}
            pagination={false}
            columns={[
              { title: t('cvo.signups.seq'), dataIndex: 'seq', width: 70 },
              { title: t('cvo.name'), render: (_, s: SignupRow) => `${s.volunteerName}（${s.volunteerNumber}）` },
              { title: t('cvo.status'), width: 130, render: (_, s: SignupRow) => <Tag color={s.status === 'confirmed' ? 'green' : s.status === 'waiting' || s.status === 'pending' ? 'orange' : 'default'}>{t(`cvo.status.${s.status}`)}{s.waitingPosition ? ` #${s.waitingPosition}` : ''}</Tag> },
              {
                title: t('cvo.signups.attendance'),
                render: (_, s: SignupRow) =>
                  s.record ? `${formatDateTime(s.record.checkInAt).slice(11)}（${t(`cvo.records.method.${s.record.checkInMethod}`)}）${s.record.checkOutAt ? ` – ${formatDateTime(s.record.checkOutAt).slice(11)} · ${s.record.creditedMinutes} min` : ''}` : '—',
              },
              {
                title: '',
                render: (_, s: SignupRow) => (
                  <Space>
                    {s.status === 'pending' && <a onClick={() => void act(() => api.post(`/api/v1/volunteer-signups/${s.id}/approve`))}>{t('cvo.signups.approve')}</a>}
                    {['pending', 'confirmed', 'waiting'].includes(s.status) && !s.record && reason.trim().length >= 2 && <a onClick={() => void act(() => api.post(`/api/v1/volunteer-signups/${s.id}/decline`, { reason: reason.trim() }))}>{t('cvo.signups.decline')}</a>}
                    {s.status === 'confirmed' && !s.record && o.phase !== 'upcoming' && <a onClick={() => void act(() => api.post(`${API}/${o.id}/attendance`, { signupId: s.id, action: 'in' }))}>{t('cvo.signups.checkIn')}</a>}
                    {s.record && !s.record.checkOutAt && <a onClick={() => void act(() => api.post(`${API}/${o.id}/attendance`, { signupId: s.id, action: 'out' }))}>{t('cvo.signups.checkOut')}</a>}
                  </Space>
                ),
              },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}

/** 志愿活动: the area's opportunities (drafts too), publishing, sign-ups, the on-site QR, leader check-in. */
export default function OpportunitiesPage() {
  const { t } = useI18n();
  const params = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('cvo.crumb') }, { title: t('cvo.menu.opportunities') }]);
  const [when, setWhen] = useState<'current' | 'past' | 'all'>('current');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Opportunity | null | 'new'>(null);
  const [rev, setRev] = useState(0);
  const list = useApi((signal) => api.get<{ items: Opportunity[]; total: number }>(API, { when, page, pageSize: 20 }, signal), [when, page]);
  if (list.missing) return <NotEnabled path={API} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('cvo.menu.opportunities')}
      </Typography.Title>
      <Space wrap>
        <Segmented value={when} onChange={(v) => { setWhen(v as typeof when); setPage(1); }} options={[{ value: 'current', label: t('cvo.opp.phase.upcoming') }, { value: 'past', label: t('cvo.opp.phase.past') }, { value: 'all', label: '∗' }]} />
        <Button type="primary" onClick={() => setEditing('new')} data-testid="volunteer-opportunity-new">
          {t('cvo.opp.new')}
        </Button>
      </Space>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ current: page, total: list.data?.total ?? 0, pageSize: 20, onChange: setPage }}
        columns={[
          { title: t('cvo.opp.title'), render: (_, o: Opportunity) => <a onClick={() => navigate(`/volunteers/opportunities/${o.id}`)}>{o.title}</a> },
          { title: t('cvo.opp.category'), dataIndex: 'category', width: 90 },
          { title: t('cvo.opp.time'), width: 190, render: (_, o: Opportunity) => `${formatDateTime(o.startsAt)}–${formatDateTime(o.endsAt).slice(11)}` },
          { title: t('cvo.opp.taken'), width: 100, render: (_, o: Opportunity) => `${o.taken} / ${o.quota}${o.waiting ? ` +${o.waiting}` : ''}` },
          { title: t('cvo.status'), width: 150, render: (_, o: Opportunity) => <Space size={4}><Tag>{t(`cvo.opp.status.${o.status}`)}</Tag><Tag>{t(`cvo.opp.phase.${o.phase}`)}</Tag></Space> },
          { title: t('cvo.opp.team'), dataIndex: 'organiser', width: 180 },
        ]}
      />
      {params.id && <Detail key={`${params.id}-${rev}`} id={params.id} onClose={() => navigate('/volunteers/opportunities')} onEdit={(o) => setEditing(o)} onChanged={list.reload} />}
      {editing && (
        <EditDrawer
          opp={editing === 'new' ? null : editing}
          onClose={(id) => {
            setEditing(null);
            if (id) {
              list.reload();
              setRev((n) => n + 1);
              navigate(`/volunteers/opportunities/${id}`);
            }
          }}
        />
      )}
    </Space>
  );
}
