import { useMemo, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { Alert, Button, Card, Flex, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { api, errorMessage } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { dayLabel, type Appointment, type AppointmentPage, type Generated, type MatterList, type ServiceWindow, type ServiceWindowList, type Slot, type SlotList } from '../../../shared/services-more.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect, PersonPicker } from '../registry/common.js';
import './more.messages.js';

const WINDOWS = '/api/v1/service-windows';

/** Today as a Beijing date, `YYYY-MM-DD`. */
export function beijingToday(offsetDays = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + offsetDays * 86_400_000));
}

function useMatterOptions() {
  const matters = useApi((signal) => api.get<MatterList>('/api/v1/service-matters', { limit: 200 }, signal), []);
  return useMemo(() => (matters.data?.items ?? []).map((m) => ({ value: m.code, label: `${m.name}（${m.code}）`, name: m.name })), [matters.data]);
}

interface WindowValues {
  orgNodeId: string;
  code: string;
  name: string;
  location: string;
  description?: string;
  matters: string[];
  officeHours: string;
  slotMinutes: number;
  capacity: number;
  bookAheadDays: number;
  active: boolean;
}

function WindowModal({ window: w, onClose, onSaved }: { window: ServiceWindow | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<WindowValues>();
  const matterOptions = useMatterOptions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: WindowValues) => {
    setBusy(true);
    setError(null);
    const names = new Map(matterOptions.map((o) => [o.value, o.name]));
    const known = new Map((w?.matters ?? []).map((m) => [m.code, m.name]));
    const matters = (v.matters ?? []).map((code) => ({ code, name: names.get(code) ?? known.get(code) ?? code }));
    try {
      if (w) {
        await api.patch(`${WINDOWS}/${w.id}`, {
          expectedVersion: w.version,
          name: v.name,
          location: v.location,
          description: v.description?.trim() || null,
          matters,
          officeHours: v.officeHours,
          slotMinutes: v.slotMinutes,
          capacity: v.capacity,
          bookAheadDays: v.bookAheadDays,
          active: v.active,
        });
      } else {
        await api.post(WINDOWS, { ...v, description: v.description?.trim() || undefined, matters, active: undefined });
      }
      onSaved();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      width={640}
      title={w ? t('svb.w.editTitle', { name: w.name }) : t('svb.w.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={t('svb.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'window-save' }}
    >
      <Form<WindowValues>
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={
          w
            ? { ...w, description: w.description ?? undefined, matters: w.matters.map((m) => m.code) }
            : { officeHours: '08:30-12:00,13:30-17:30', slotMinutes: 30, capacity: 2, bookAheadDays: 14, matters: [], active: true }
        }
      >
        {!w && (
          <Form.Item name="orgNodeId" label={t('svb.w.area')} rules={[{ required: true, message: t('svb.required') }]}>
            <OrgNodeSelect deepest="community" selectable={['community', 'street']} />
          </Form.Item>
        )}
        <Space wrap>
          <Form.Item name="code" label={t('svb.w.code')} rules={[{ required: true, pattern: /^[A-Z][A-Z0-9]{0,7}$/, message: 'SB / MZ / ZH1' }]}>
            <Input disabled={!!w} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="name" label={t('svb.w.name')} rules={[{ required: true, message: t('svb.required') }]}>
            <Input maxLength={50} style={{ width: 260 }} />
          </Form.Item>
        </Space>
        <Form.Item name="location" label={t('svb.w.location')} rules={[{ required: true, message: t('svb.required') }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="matters" label={t('svb.w.matters')}>
          <Select mode="multiple" allowClear options={matterOptions} showSearch={{ optionFilterProp: 'label' }} />
        </Form.Item>
        <Form.Item name="officeHours" label={t('svb.w.hours')} extra={t('svb.w.hoursHelp')} rules={[{ required: true, message: t('svb.required') }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="slotMinutes" label={t('svb.w.slotMinutes')}>
            <InputNumber min={5} max={240} precision={0} />
          </Form.Item>
          <Form.Item name="capacity" label={t('svb.w.capacity')} extra={w ? t('svb.w.capacityHelp') : undefined}>
            <InputNumber min={1} max={100} precision={0} />
          </Form.Item>
          <Form.Item name="bookAheadDays" label={t('svb.w.bookAhead')}>
            <InputNumber min={1} max={90} precision={0} />
          </Form.Item>
          {w && (
            <Form.Item name="active" label={t('svb.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Space>
        <Form.Item name="description" label={t('svb.w.description')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

/** 办事窗口: hours, slot length, seats, matters; lay out slots. */
export default function WindowsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('svb.crumb') }, { title: t('svb.menu.windows') }]);
  const session = useSession();
  const canManage = hasRole(session.status === 'ready' ? session.me : null, 'community_staff');
  const list = useApi((signal) => api.get<ServiceWindowList>(WINDOWS, { includeInactive: 1 }, signal), []);
  const [editing, setEditing] = useState<ServiceWindow | null | 'new'>(null);
  const [note, setNote] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  if (list.missing) return <NotEnabled path={WINDOWS} />;
  const generate = async (w: ServiceWindow) => {
    setNote(null);
    try {
      const g = await api.post<Generated>(`${WINDOWS}/${w.id}/slots/generate`, { from: beijingToday(), to: beijingToday(w.bookAheadDays) });
      setNote({ kind: 'success', text: `${w.name}：${t('svb.w.generated', { created: g.created, closed: g.closed, booked: g.bookedOnNonWorkingDays })}` });
    } catch (e) {
      setNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  const columns: ColumnsType<ServiceWindow> = [
    { title: t('svb.w.code'), dataIndex: 'code', width: 80 },
    { title: t('svb.w.name'), dataIndex: 'name', width: 160 },
    { title: t('svb.w.area'), dataIndex: 'orgNodeName', width: 120 },
    { title: t('svb.w.location'), dataIndex: 'location' },
    { title: t('svb.w.hours'), dataIndex: 'officeHours', width: 200 },
    { title: t('svb.w.slotMinutes'), dataIndex: 'slotMinutes', width: 90 },
    { title: t('svb.w.capacity'), dataIndex: 'capacity', width: 90 },
    { title: t('svb.w.matters'), key: 'matters', width: 200, render: (_, w) => (w.matters.length ? w.matters.map((m) => m.name).join('、') : '—') },
    { title: t('svb.a.status'), dataIndex: 'active', width: 80, render: (a: boolean) => (a ? <Tag color="green">{t('svb.active')}</Tag> : <Tag>{t('svb.inactive')}</Tag>) },
    {
      title: t('svb.actions'),
      key: 'actions',
      width: 240,
      render: (_, w) => (
        <Space wrap>
          <Link href={`/service-appointments?windowId=${w.id}`}>{t('svb.w.bookings')}</Link>
          {canManage && (
            <>
              <Button size="small" onClick={() => setEditing(w)} data-testid="window-edit">
                {t('svb.edit')}
              </Button>
              <Button size="small" onClick={() => void generate(w)}>
                {t('svb.w.generate')}
              </Button>
            </>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('svb.menu.windows')}
        </Typography.Title>
        {canManage && (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="window-new">
            {t('svb.w.new')}
          </Button>
        )}
      </Flex>
      {note && <Alert type={note.kind} showIcon title={note.text} closable={{ onClose: () => setNote(null) }} />}
      {list.error ? <Alert type="error" showIcon title={list.error.message} /> : <Table rowKey="id" size="middle" loading={list.loading} columns={columns} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 1300 }} />}
      {editing && (
        <WindowModal
          window={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setNote({ kind: 'success', text: t('svb.saved') });
            list.reload();
          }}
        />
      )}
    </Flex>
  );
}

function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  const color = status === 'checked_in' ? 'green' : status === 'booked' ? 'blue' : status === 'no_show' ? 'red' : 'default';
  return (
    <Tag color={color} data-testid="booking-status" data-status={status}>
      {t(`svb.status.${status}`)}
    </Tag>
  );
}

function OnBehalfModal({ slots, onClose, onDone }: { slots: Slot[]; onClose: () => void; onDone: (a: Appointment) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ personId: string; slotId: string; reason: string; matterCode?: string }>();
  const matterOptions = useMatterOptions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { personId: string; slotId: string; reason: string; matterCode?: string }) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await api.post<Appointment>('/api/v1/appointments', { ...v, reason: v.reason.trim() }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('svb.a.onBehalf')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('common.submit')} cancelText={t('common.cancel')} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="personId" label={t('svb.a.person')} rules={[{ required: true, message: t('svb.required') }]}>
          <PersonPicker />
        </Form.Item>
        <Form.Item name="slotId" label={t('svb.a.slot')} rules={[{ required: true, message: t('svb.required') }]}>
          <Select options={slots.filter((s) => s.bookable).map((s) => ({ value: s.id, label: `${s.startTime}–${s.endTime}（${s.available}/${s.capacity}）` }))} />
        </Form.Item>
        <Form.Item name="matterCode" label={t('svb.a.matter')}>
          <Select allowClear options={matterOptions} showSearch={{ optionFilterProp: 'label' }} />
        </Form.Item>
        <Form.Item name="reason" label={t('svb.reason')} extra={t('svb.a.reasonHelp')} rules={[{ required: true, min: 2, message: t('svb.reasonRequired') }]}>
          <Input maxLength={200} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

function SlotsTable({ slots, loading, canManage, onChanged }: { slots: Slot[]; loading: boolean; canManage: boolean; onChanged: (error?: string) => void }) {
  const { t } = useI18n();
  const [sizes, setSizes] = useState<Record<string, number | null>>({});
  const patch = async (s: Slot, body: Record<string, unknown>) => {
    try {
      await api.patch(`/api/v1/appointment-slots/${s.id}`, body);
      onChanged();
    } catch (e) {
      onChanged(errorMessage(e));
    }
  };
  const columns: ColumnsType<Slot> = [
    { title: t('svb.a.time'), key: 'time', width: 120, render: (_, s) => `${s.startTime}–${s.endTime}` },
    { title: t('svb.a.seats'), key: 'seats', width: 100, render: (_, s) => `${s.booked}/${s.capacity}` },
    { title: t('svb.a.status'), key: 'closed', width: 160, render: (_, s) => (s.closed ? <Tag>{`${t('svb.a.closed')}${s.closedReason ? `：${s.closedReason}` : ''}`}</Tag> : <Tag color="green">{t('svb.a.open')}</Tag>) },
    ...(canManage
      ? [
          {
            title: t('svb.actions'),
            key: 'actions',
            render: (_: unknown, s: Slot) => (
              <Space wrap>
                <Space.Compact>
                  <InputNumber size="small" min={1} max={100} precision={0} value={sizes[s.id] ?? s.capacity} onChange={(v) => setSizes((x) => ({ ...x, [s.id]: v }))} aria-label={t('svb.a.resize')} style={{ width: 70 }} />
                  <Button size="small" disabled={(sizes[s.id] ?? s.capacity) === s.capacity} onClick={() => void patch(s, { capacity: sizes[s.id] })}>
                    {t('svb.a.resize')}
                  </Button>
                </Space.Compact>
                {s.closed ? (
                  <Button size="small" onClick={() => void patch(s, { closed: false })}>
                    {t('svb.a.open')}
                  </Button>
                ) : (
                  <Button size="small" danger onClick={() => void patch(s, { closed: true, closedReason: t('svb.a.closed') })}>
                    {t('svb.a.close')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];
  return <Table rowKey="id" size="small" loading={loading} columns={columns} dataSource={slots} pagination={false} />;
}

/** 预约管理: the day list of a window, its slots (close, resize) and 代预约. */
export function AppointmentsPage() {
  const { t, locale } = useI18n();
  useBreadcrumbs([{ title: t('svb.crumb') }, { title: t('svb.menu.appointments') }]);
  const session = useSession();
  const me = session.status === 'ready' ? session.me : null;
  const canManage = hasRole(me, 'community_staff');
  const canOnBehalf = hasRole(me, 'community_staff', 'grid_worker');
  const initialWindow = new URLSearchParams(useSearch()).get('windowId');
  const windows = useApi((signal) => api.get<ServiceWindowList>(WINDOWS, undefined, signal), []);
  const [windowId, setWindowId] = useState<string | null>(initialWindow);
  const wid = windowId ?? windows.data?.items[0]?.id ?? null;
  const [date, setDate] = useState(beijingToday());
  const [status, setStatus] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const [note, setNote] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [onBehalf, setOnBehalf] = useState(false);
  const [cancelling, setCancelling] = useState<Appointment | null>(null);
  const [reason, setReason] = useState('');
  const bookings = useApi(
    (signal) => (wid ? api.get<AppointmentPage>('/api/v1/appointments', { windowId: wid, from: date, to: date, status, pageSize: 200 }, signal) : Promise.resolve(undefined)),
    [wid, date, status, tick],
  );
  const slots = useApi((signal) => (wid ? api.get<SlotList>('/api/v1/appointment-slots', { windowId: wid, from: date, to: date }, signal) : Promise.resolve(undefined)), [wid, date, tick]);
  if (windows.missing) return <NotEnabled path={WINDOWS} />;
  const refresh = () => setTick((n) => n + 1);

  const checkIn = async (a: Appointment) => {
    try {
      await api.post('/api/v1/appointments/check-in', { code: a.code });
      setNote({ kind: 'success', text: `${a.code} ${t('svb.ci.ok')}` });
      refresh();
    } catch (e) {
      setNote({ kind: 'error', text: errorMessage(e) });
    }
  };
  const cancel = async () => {
    if (!cancelling) return;
    if (!reason.trim()) return setNote({ kind: 'error', text: t('svb.reasonRequired') });
    try {
      await api.post(`/api/v1/appointments/${cancelling.id}/cancel`, { reason: reason.trim(), expectedVersion: cancelling.version });
      setCancelling(null);
      setReason('');
      refresh();
    } catch (e) {
      setNote({ kind: 'error', text: errorMessage(e) });
    }
  };

  const columns: ColumnsType<Appointment> = [
    { title: t('svb.a.time'), key: 'time', width: 110, render: (_, a) => `${a.slot.startTime}–${a.slot.endTime}` },
    { title: t('svb.a.code'), dataIndex: 'code', width: 170 },
    { title: t('svb.a.holder'), dataIndex: 'holderName', width: 120 },
    { title: t('svb.a.matter'), dataIndex: 'matterName', width: 200, render: (v: string | null) => v ?? '—' },
    { title: t('svb.a.status'), dataIndex: 'status', width: 100, render: (s: string) => <StatusTag status={s} /> },
    { title: t('svb.a.bookedBy'), key: 'by', width: 180, render: (_, a) => (a.onBehalf ? `${a.staff?.bookedByName ?? ''}${a.staff?.onBehalfReason ? `：${a.staff.onBehalfReason}` : ''}` : '—') },
    {
      title: t('svb.actions'),
      key: 'actions',
      width: 160,
      render: (_, a) =>
        a.status === 'booked' ? (
          <Space>
            <Button size="small" type="primary" onClick={() => void checkIn(a)} data-testid="booking-check-in">
              {t('svb.a.checkIn')}
            </Button>
            {canManage && (
              <Button size="small" danger onClick={() => setCancelling(a)}>
                {t('svb.a.cancel')}
              </Button>
            )}
          </Space>
        ) : null,
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap align="center">
        <Select
          style={{ width: 240 }}
          value={wid ?? undefined}
          onChange={(v) => setWindowId(v)}
          options={(windows.data?.items ?? []).map((w) => ({ value: w.id, label: `${w.name}（${w.orgNodeName ?? ''}）` }))}
          aria-label={t('svb.a.window')}
          placeholder={t('svb.a.window')}
        />
        <Input type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} aria-label={t('svb.a.date')} style={{ width: 170 }} />
        <Typography.Text>{dayLabel(date, locale)}</Typography.Text>
        <Select
          allowClear
          style={{ width: 120 }}
          value={status}
          onChange={setStatus}
          placeholder={t('svb.a.status')}
          aria-label={t('svb.a.status')}
          options={['booked', 'checked_in', 'cancelled', 'no_show'].map((s) => ({ value: s, label: t(`svb.status.${s}`) }))}
        />
        <Button onClick={refresh}>{t('svb.refresh')}</Button>
        {canOnBehalf && wid && (
          <Button type="primary" onClick={() => setOnBehalf(true)} data-testid="booking-on-behalf">
            {t('svb.a.onBehalf')}
          </Button>
        )}
      </Flex>
      {!wid && !windows.loading && <Alert type="info" showIcon title={t('svb.a.noWindow')} />}
      {note && <Alert type={note.kind} showIcon title={note.text} closable={{ onClose: () => setNote(null) }} />}
      {cancelling && (
        <Card size="small" title={t('svb.a.cancelTitle', { code: cancelling.code })}>
          <Space.Compact style={{ width: '100%', maxWidth: 560 }}>
            <Input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('svb.reason')} aria-label={t('svb.reason')} maxLength={200} />
            <Button danger type="primary" onClick={() => void cancel()}>
              {t('svb.a.cancel')}
            </Button>
            <Button onClick={() => setCancelling(null)}>{t('common.cancel')}</Button>
          </Space.Compact>
        </Card>
      )}
      {bookings.error ? (
        <Alert type="error" showIcon title={bookings.error.message} />
      ) : (
        <Table rowKey="id" size="middle" loading={bookings.loading} columns={columns} dataSource={bookings.data?.items ?? []} pagination={false} locale={{ emptyText: t('svb.a.empty') }} scroll={{ x: 1100 }} data-testid="bookings-table" />
      )}
      <Card size="small" title={t('svb.a.slots')}>
        {slots.error ? (
          <Alert type="error" showIcon title={slots.error.message} />
        ) : (
          <SlotsTable slots={slots.data?.items ?? []} loading={slots.loading} canManage={canManage} onChanged={(error) => (error ? setNote({ kind: 'error', text: error }) : refresh())} />
        )}
      </Card>
      {onBehalf && (
        <OnBehalfModal
          slots={slots.data?.items ?? []}
          onClose={() => setOnBehalf(false)}
          onDone={(a) => {
            setOnBehalf(false);
            setNote({ kind: 'success', text: t('svb.a.done', { code: a.code }) });
            refresh();
          }}
        />
      )}
    </Flex>
  );
}
