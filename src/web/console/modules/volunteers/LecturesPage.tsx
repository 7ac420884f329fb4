import { useEffect, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, DatePicker, Drawer, Form, Input, InputNumber, Segmented, Space, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import { PagedTable, ReasonDrawer } from './common.js';
import './timebank.messages.js';

const API = '/api/v1/lectures';

/** Shapes of src/modules/volunteers/lectures.routes.ts (staff). */
interface Lecture {
  id: string;
  orgNodeId: string;
  organiser: string;
  title: string;
  speaker: string;
  body: string;
  videoUrl: string | null;
  videoHost: string | null;
  place: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  taken: number;
  status: 'draft' | 'published' | 'cancelled';
  cancelReason: string | null;
  phase: 'upcoming' | 'ongoing' | 'past';
  version: number;
  attended: number;
}
interface SignupRow {
  id: string;
  name: string;
  phoneMasked: string | null;
  place: string | null;
  status: 'signed' | 'cancelled';
  attendedAt: string | null;
  attendedMethod: 'staff' | 'qr' | null;
  createdAt: string;
}
interface Qr {
  path: string;
  svg: string;
  expiresAt: string;
}
interface FormValues {
  orgNodeId: string;
  title: string;
  speaker: string;
  body?: string;
  videoUrl?: string;
  place: string;
  times: [Dayjs, Dayjs];
  capacity: number;
}

function EditDrawer({ lecture, onClose }: { lecture: Lecture | null; onClose: (changed: boolean) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<FormValues>();
  const save = async (v: FormValues, publish: boolean) => {
    setError(null);
    setBusy(true);
    const body = { title: v.title, speaker: v.speaker, body: v.body ?? '', videoUrl: v.videoUrl?.trim() ? v.videoUrl.trim() : null, place: v.place, startsAt: v.times[0].toISOString(), endsAt: v.times[1].toISOString(), capacity: v.capacity };
    try {
      if (lecture) await api.patch(`${API}/${lecture.id}`, { ...body, expectedVersion: lecture.version });
      else await api.post(API, { ...body, orgNodeId: v.orgNodeId, publish });
      onClose(true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const start = dayjs().add(3, 'day').hour(14).minute(0).second(0);
  return (
    <Drawer open width={620} title={lecture ? `${t('clc.edit')}：${lecture.title}` : t('clc.new')} onClose={() => onClose(false)} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        data-testid="lecture-form"
        initialValues={
          lecture
            ? { orgNodeId: lecture.orgNodeId, title: lecture.title, speaker: lecture.speaker, body: lecture.body, videoUrl: lecture.videoUrl ?? '', place: lecture.place, times: [dayjs(lecture.startsAt), dayjs(lecture.endsAt)], capacity: lecture.capacity }
            : { times: [start, start.add(90, 'minute')], capacity: 40 }
        }
      >
        {!lecture && (
          <Form.Item name="orgNodeId" label={t('clc.node')} rules={[{ required: true }]}>
            <OrgNodeSelect deepest="grid" selectable={['street', 'community', 'grid']} />
          </Form.Item>
        )}
        <Form.Item name="title" label={t('clc.title')} rules={[{ required: true, min: 4, max: 60 }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="speaker" label={t('clc.speaker')} rules={[{ required: true, min: 2, max: 60 }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="times" label={t('clc.times')} rules={[{ required: true }]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Form.Item name="place" label={t('clc.place')} rules={[{ required: true, min: 2 }]}>
          <Input maxLength={120} />
        </Form.Item>
        <Form.Item name="capacity" label={t('clc.capacity')} rules={[{ required: true }]}>
          <InputNumber min={1} max={2000} />
        </Form.Item>
        <Form.Item name="videoUrl" label={t('clc.video')} rules={[{ type: 'url' }]}>
          <Input maxLength={500} placeholder="https://" />
        </Form.Item>
        <Form.Item name="body" label={t('clc.body')}>
          <Input.TextArea maxLength={5000} rows={6} />
        </Form.Item>
        <Space>
          {lecture ? (
            <Button type="primary" loading={busy} onClick={() => void form.validateFields().then((v) => save(v, false))}>
              {t('clc.save')}
            </Button>
          ) : (
            <>
              <Button loading={busy} onClick={() => void form.validateFields().then((v) => save(v, false))}>
                {t('clc.saveDraft')}
              </Button>
              <Button type="primary" loading={busy} onClick={() => void form.validateFields().then((v) => save(v, true))} data-testid="lecture-publish-new">
                {t('clc.publishNow')}
              </Button>
            </>
          )}
        </Space>
      </Form>
    </Drawer>
  );
}

/** The room's QR, fetched again every 30 s (each code is valid 2 minutes). */
function RotatingQr({ id }: { id: string }) {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((n) => n + 1), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  const qr = useApi((signal) => api.get<Qr>(`${API}/${id}/checkin-qr`, undefined, signal), [id, tick]);
  if (qr.error) return <Alert type="warning" showIcon title={qr.error.message} />;
  if (!qr.data) return null;
  return (
    <div style={{ textAlign: 'center' }} data-testid="lecture-qr" data-path={qr.data.path}>
      <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.data.svg)}`} alt={t('clc.qr')} style={{ width: 280, height: 280, background: '#fff' }} />
      <Typography.Paragraph type="secondary">{t('clc.qrHint', { until: formatDateTime(qr.data.expiresAt).slice(11) })}</Typography.Paragraph>
    </div>
  );
}

/** Who signed up (an audited read), attendance by staff, and the QR to show in the room. */
function SignupsDrawer({ lecture, onClose }: { lecture: Lecture; onClose: (changed: boolean) => void }) {
  const { t } = useI18n();
  const list = useApi((signal) => api.get<{ items: SignupRow[] }>(`${API}/${lecture.id}/signups`, undefined, signal), [lecture.id]);
  const [selected, setSelected] = useState<string[]>([]);
  const [showQr, setShowQr] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const mark = async (attended: boolean) => {
    setError(null);
    try {
      await api.post(`${API}/${lecture.id}/attendance`, { signupIds: selected, attended });
      setSelected([]);
      setChanged(true);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open width={720} title={`${t('clc.signups')}：${lecture.title}`} onClose={() => onClose(changed)} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon title={t('clc.readNote')} />
        {(error || list.error) && <Alert type="error" showIcon title={error ?? list.error!.message} />}
        {lecture.status === 'published' && (
          <Space wrap>
            <Button type="primary" disabled={selected.length === 0} onClick={() => void mark(true)} data-testid="lecture-mark-present">
              {t('clc.markPresent')}
            </Button>
            <Button disabled={selected.length === 0} onClick={() => void mark(false)}>
              {t('clc.markAbsent')}
            </Button>
            <Button onClick={() => setShowQr(!showQr)} data-testid="lecture-show-qr">
              {t('clc.qr')}
            </Button>
          </Space>
        )}
        {showQr && <RotatingQr id={lecture.id} />}
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          loading={list.loading}
          dataSource={(list.data?.items ?? []).filter((s) => s.status === 'signed')}
          rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
          data-testid="lecture-signups"
          columns={[
            { title: t('clc.name'), dataIndex: 'name', width: 110 },
            { title: t('clc.phone'), dataIndex: 'phoneMasked', width: 120 },
            { title: t('clc.addr'), dataIndex: 'place' },
            { title: t('clc.signedAt'), width: 140, render: (_, s: SignupRow) => formatDateTime(s.createdAt) },
            { title: t('clc.presence'), width: 170, render: (_, s: SignupRow) => (s.attendedAt ? <Tag color="green">{`${formatDateTime(s.attendedAt).slice(11)} ${t(`clc.by.${s.attendedMethod ?? 'staff'}`)}`}</Tag> : <Tag>{t('clc.absent')}</Tag>) },
          ]}
        />
      </Space>
    </Drawer>
  );
}

/** 社区微课: lectures of the area — write, publish, cancel; sign-ups, attendance and the check-in QR. */
export default function LecturesPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('cvo.crumb') }, { title: t('clc.menu') }]);
  const [when, setWhen] = useState<'upcoming' | 'past' | 'all'>('upcoming');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Lecture | 'new' | null>(null);
  const [cancelling, setCancelling] = useState<Lecture | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: Lecture[]; total: number }>(API, { when, page, pageSize: 20 }, signal), [when, page]);
  const opened = useApi((signal) => (id ? api.get<Lecture>(`${API}/${id}`, undefined, signal) : Promise.resolve(undefined)), [id]);
  const open = id ? opened.data : undefined;
  if (list.missing) return <NotEnabled path={API} />;
  const publish = async (l: Lecture) => {
    setError(null);
    try {
      await api.post(`${API}/${l.id}/publish`, { expectedVersion: l.version });
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const cancel = async (v: { reason: string }) => {
    if (!cancelling) return;
    setError(null);
    try {
      await api.post(`${API}/${cancelling.id}/cancel`, v);
      setCancelling(null);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('clc.menu')}
      </Typography.Title>
      <Space wrap>
        <Button type="primary" onClick={() => setEditing('new')} data-testid="lecture-new">
          {t('clc.new')}
        </Button>
        <Segmented
          value={when}
          onChange={(v) => {
            setWhen(v as 'upcoming' | 'past' | 'all');
            setPage(1);
          }}
          options={[
            { value: 'upcoming', label: t('clc.upcoming') },
            { value: 'past', label: t('clc.past') },
            { value: 'all', label: t('ctb.all') },
          ]}
        />
      </Space>
      {(error || list.error) && <Alert type="error" showIcon title={error ?? list.error!.message} />}
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        data-testid="lectures-table"
        columns={[
          { title: t('clc.title'), render: (_, l: Lecture) => <>{l.title}{l.videoHost && <Tag style={{ marginLeft: 6 }}>{l.videoHost}</Tag>}</> },
          { title: t('clc.speaker'), dataIndex: 'speaker', width: 180 },
          { title: t('clc.times'), width: 170, render: (_, l: Lecture) => formatDateTime(l.startsAt) },
          { title: t('clc.place'), dataIndex: 'place' },
          { title: `${t('clc.taken')}/${t('clc.capacity')}`, width: 100, render: (_, l: Lecture) => `${l.taken}/${l.capacity}` },
          { title: t('clc.attended'), width: 70, dataIndex: 'attended' },
          { title: t('clc.status'), width: 90, render: (_, l: Lecture) => <Tag color={l.status === 'published' ? 'green' : l.status === 'draft' ? 'default' : 'red'}>{t(`clc.status.${l.status}`)}</Tag> },
          {
            title: '',
            width: 220,
            render: (_, l: Lecture) => (
              <Space size="small" wrap>
                <a onClick={() => navigate(`/volunteers/lectures/${l.id}`)}>{t('clc.signups')}</a>
                {l.status !== 'cancelled' && <a onClick={() => setEditing(l)}>{t('clc.edit')}</a>}
                {l.status === 'draft' && <a onClick={() => void publish(l)}>{t('clc.publishNow')}</a>}
                {l.status !== 'cancelled' && l.attended === 0 && <a onClick={() => setCancelling(l)}>{t('clc.cancel')}</a>}
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <EditDrawer
          lecture={editing === 'new' ? null : editing}
          onClose={(changed) => {
            setEditing(null);
            if (changed) list.reload();
          }}
        />
      )}
      {open && (
        <SignupsDrawer
          lecture={open}
          onClose={(changed) => {
            navigate('/volunteers/lectures');
            if (changed) list.reload();
          }}
        />
      )}
      {cancelling && (
        <ReasonDrawer action={t('clc.cancel')} subject={cancelling.title} label={t('clc.cancelReason')} minLength={2} onSubmit={(v) => void cancel(v)} onClose={() => setCancelling(null)} />
      )}
    </Space>
  );
}
