import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { Alert, Button, Descriptions, Drawer, Flex, Form, Input, Modal, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { api, errorMessage, fieldErrors } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { KINDS_OF, MEETINGS_API, ORGS_API, type CheckinQr, type Meeting, type MeetingDetail, type MeetingKind, type Org } from './types.js';

/** 三会一课: meetings of my area (or of what I lead), planning one, and each meeting's QR, attendance, leave and minutes. */
export default function MeetingsTab() {
  const { t, locale } = useI18n();
  const orgs = useApi((signal) => api.get<{ items: Org[] }>(ORGS_API, undefined, signal), []);
  const [orgId, setOrgId] = useState<string | undefined>();
  const [planning, setPlanning] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: Meeting[] }>(MEETINGS_API, { orgId, includeCancelled: '1' }, signal), [orgId]);
  if (list.missing) return <NotEnabled path={MEETINGS_API} />;
  const runnable = (orgs.data?.items ?? []).filter((o) => o.abilities.run);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select allowClear placeholder={t('pty.mt.org')} style={{ width: 220 }} value={orgId} onChange={setOrgId} options={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))} />
        {runnable.length > 0 && (
          <Button type="primary" onClick={() => setPlanning(true)} data-testid="party-plan">
            {t('pty.mt.plan')}
          </Button>
        )}
      </Space>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('pty.mt.none') }}
        data-testid="party-meetings"
        columns={[
          { title: t('pty.mt.time'), width: 150, render: (_, m: Meeting) => formatDateTime(m.startsAt) },
          { title: t('pty.mt.org'), dataIndex: 'orgName', width: 120 },
          { title: t('pty.mt.kind'), width: 110, render: (_, m: Meeting) => m.kindLabel[locale] },
          { title: t('pty.mt.title'), dataIndex: 'title' },
          { title: t('pty.mt.attendance'), width: 230, render: (_, m: Meeting) => t('pty.mt.counts', m.counts) },
          { title: t('pty.mt.minutes'), width: 80, render: (_, m: Meeting) => (m.phase === 'held' ? <Tag color={m.hasMinutes ? 'green' : 'orange'}>{t(m.hasMinutes ? 'pty.mt.hasMinutes' : 'pty.mt.noMinutes')}</Tag> : '—') },
          { title: '', width: 150, render: (_, m: Meeting) => <Space><Tag>{t(`pty.mt.phase.${m.phase}`)}</Tag><Button size="small" onClick={() => setOpen(m.id)} data-testid={`party-meeting-open-${m.title}`}>{t('pty.mt.open')}</Button></Space> },
        ]}
      />
      {planning && (
        <PlanMeeting
          orgs={runnable}
          onClose={(id) => {
            setPlanning(false);
            list.reload();
            if (id) setOpen(id);
          }}
        />
      )}
      {open && <MeetingDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
    </Space>
  );
}

function PlanMeeting({ orgs, onClose }: { orgs: Org[]; onClose: (id?: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const orgId = Form.useWatch('orgId', form) as string | undefined;
  const org = orgs.find((o) => o.id === orgId);
  const kinds: MeetingKind[] = org ? KINDS_OF[org.kind] : [];
  const save = async () => {
    const v = (await form.validateFields()) as Record<string, string>;
    setError(null);
    try {
      const m = await api.post<{ id: string }>(MEETINGS_API, {
        orgId: v.orgId,
        kind: v.kind,
        title: v.title,
        agenda: v.agenda,
        place: v.place,
        startsAt: v.startsAt ? new Date(v.startsAt).toISOString() : undefined,
        endsAt: v.endsAt ? new Date(v.endsAt).toISOString() : undefined,
        lecturer: v.lecturer || undefined,
      });
      onClose(m.id);
    } catch (e) {
      form.setFields(Object.entries(fieldErrors(e)).map(([name, errors]) => ({ name, errors: [errors] })));
      setError(errorMessage(e));
    }
  };
  return (
    <Modal open width={640} title={t('pty.mt.plan')} onCancel={() => onClose()} onOk={() => void save()} okText={t('pty.save')} okButtonProps={{ 'data-testid': 'party-plan-save' } as never}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="party-plan-error" />}
      <Form form={form} layout="vertical" initialValues={{ orgId: orgs.find((o) => o.kind === 'branch')?.id ?? orgs[0]?.id }}>
        <Space wrap>
          <Form.Item name="orgId" label={t('pty.mt.org')} rules={[{ required: true }]}>
            <Select style={{ width: 220 }} options={orgs.map((o) => ({ value: o.id, label: o.name }))} data-testid="party-plan-org" />
          </Form.Item>
          <Form.Item name="kind" label={t('pty.mt.kind')} rules={[{ required: true }]}>
            <Select style={{ width: 180 }} options={kinds.map((k) => ({ value: k, label: t(`pty.mk.${k}`) }))} data-testid="party-plan-kind" />
          </Form.Item>
        </Space>
        <Form.Item name="title" label={t('pty.mt.title')} rules={[{ required: true, min: 2 }]}>
          <Input maxLength={100} data-testid="party-plan-title" />
        </Form.Item>
        <Form.Item name="agenda" label={t('pty.mt.agenda')} rules={[{ required: true, min: 2 }]}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="party-plan-agenda" />
        </Form.Item>
        <Form.Item name="place" label={t('pty.mt.place')} rules={[{ required: true, min: 2 }]}>
          <Input maxLength={100} data-testid="party-plan-place" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="startsAt" label={t('pty.mt.starts')} rules={[{ required: true }]}>
            <Input type="datetime-local" data-testid="party-plan-starts" />
          </Form.Item>
          <Form.Item name="endsAt" label={t('pty.mt.ends')} rules={[{ required: true }]}>
            <Input type="datetime-local" data-testid="party-plan-ends" />
          </Form.Item>
        </Space>
        <Form.Item name="lecturer" label={t('pty.mt.lecturer')}>
          <Input maxLength={40} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The rotating code for the screen at the meeting: fetched again when the server says the next one is ready. */
export function CheckinQrPanel({ id, size = 300, onCounts }: { id: string; size?: number; onCounts?: (counts: CheckinQr['counts']) => void }) {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  const qr = useApi((signal) => api.get<CheckinQr>(`${MEETINGS_API}/${id}/checkin-qr`, undefined, signal), [id, tick]);
  useEffect(() => {
    if (!qr.data) return;
    onCounts?.(qr.data.counts);
    const wait = Math.max(5_000, Math.min(60_000, Date.parse(qr.data.refreshAt) - Date.now() + 500));
    const timer = window.setTimeout(() => setTick((n) => n + 1), wait);
    return () => window.clearTimeout(timer);
  }, [qr.data, onCounts]);
  if (qr.error) return <Alert type="warning" showIcon title={qr.error.message} data-testid="party-qr-error" />;
  if (!qr.data) return null;
  return (
    <div style={{ textAlign: 'center' }} data-testid="party-qr" data-path={qr.data.path}>
      <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr.data.svg)}`} alt={t('pty.mt.qr')} style={{ width: size, height: size, background: '#fff' }} />
      <div>{t('pty.mt.qrUntil', { at: formatDateTime(qr.data.expiresAt).slice(11) })}</div>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 460, margin: '8px auto' }}>
        {t('pty.mt.qrHint')}
      </Typography.Paragraph>
    </div>
  );
}

function MeetingDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const detail = useApi((signal) => api.get<MeetingDetail>(`${MEETINGS_API}/${id}`, undefined, signal), [id]);
  const [showQr, setShowQr] = useState(false);
  const [ticked, setTicked] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [minutes, setMinutes] = useState<string | null>(null);
  const [photos, setPhotos] = useState<UploadFile[]>([]);
  const [cancelReason, setCancelReason] = useState('');
  const m = detail.data;
  // While the code is on screen, the attendance list follows the scans.
  const reload = detail.reload;
  useEffect(() => {
    if (!showQr) return;
    const timer = window.setInterval(reload, 3_000);
    return () => window.clearInterval(timer);
  }, [showQr, reload]);
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      detail.reload();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  if (!m) return <Drawer open onClose={onClose} loading={detail.loading} title="">{detail.error && <Alert type="error" showIcon title={detail.error.message} />}</Drawer>;
  const statusOf = (a: MeetingDetail['attendees'][number]) => (a.status === 'expected' && m.phase === 'held' ? 'absent' : a.status);
  return (
    <Drawer open size="large" width={860} title={`${m.kindLabel[locale]} · ${m.title}`} onClose={onClose} data-testid="party-meeting-drawer">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label={t('pty.mt.org')}>{m.orgName}</Descriptions.Item>
          <Descriptions.Item label={t('pty.mt.time')}>{`${formatDateTime(m.startsAt)} – ${formatDateTime(m.endsAt).slice(11)}`}</Descriptions.Item>
          <Descriptions.Item label={t('pty.mt.place')}>{m.place}</Descriptions.Item>
          <Descriptions.Item label={t('pty.mt.agenda')}>
            <span style={{ whiteSpace: 'pre-wrap' }}>{m.agenda}</span>
          </Descriptions.Item>
          {m.lecturer && <Descriptions.Item label={t('pty.mt.lecturer')}>{m.lecturer}</Descriptions.Item>}
          <Descriptions.Item label={t('pty.mt.attendance')}>
            <span data-testid="party-meeting-counts">{t('pty.mt.counts', m.counts)}</span>
          </Descriptions.Item>
        </Descriptions>
        {m.status === 'cancelled' && <Alert type="warning" showIcon title={`${t('pty.mt.phase.cancelled')}：${m.cancelReason ?? ''}`} />}
        {error && <Alert type="error" showIcon title={error} data-testid="party-meeting-error" />}
        {m.abilities.run && m.status === 'planned' && (
          <Space wrap>
            <Button type="primary" onClick={() => setShowQr((v) => !v)} data-testid="party-show-qr">
              {t('pty.mt.qr')}
            </Button>
            <Link href={`/party/screen/${m.id}`}>{t('pty.mt.screen')}</Link>
          </Space>
        )}
        {showQr && <CheckinQrPanel id={m.id} />}

        <Typography.Title level={5}>{t('pty.mt.attendance')}</Typography.Title>
        <Table
          size="small"
          rowKey="memberId"
          pagination={false}
          dataSource={m.attendees}
          data-testid="party-attendance"
          rowSelection={
            m.abilities.run && m.status === 'planned' && m.phase !== 'upcoming'
              ? { selectedRowKeys: ticked, onChange: (keys) => setTicked(keys.map(String)), getCheckboxProps: (a) => ({ disabled: a.status !== 'expected' }) }
              : undefined
          }
          columns={[
            { title: t('pty.m.name'), dataIndex: 'name' },
            { title: t('pty.mt.attendance'), render: (_, a) => <Tag color={{ present: 'green', leave: 'blue', expected: 'default', absent: 'red' }[statusOf(a)]}>{t(`pty.mt.status.${statusOf(a)}`)}</Tag> },
            { title: t('pty.mt.time'), render: (_, a) => (a.checkedInAt ? `${formatDateTime(a.checkedInAt)} · ${t(`pty.mt.method.${a.method}`)}` : '—') },
          ]}
        />
        {ticked.length > 0 && (
          <Button onClick={() => void act(() => api.post(`${MEETINGS_API}/${m.id}/attendance`, { memberIds: ticked }).then(() => setTicked([])))} data-testid="party-checkin-selected">
            {t('pty.mt.checkInSelected')}
          </Button>
        )}

        {m.leave.length > 0 && (
          <>
            <Typography.Title level={5}>{t('pty.mt.leave')}</Typography.Title>
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={m.leave}
              columns={[
                { title: t('pty.m.name'), dataIndex: 'name', width: 90 },
                { title: t('pty.t.reason'), dataIndex: 'reason' },
                { title: t('pty.t.state'), width: 160, render: (_, l) => `${t(`pty.mt.leave.${l.status}`)}${l.decidedByName ? ` · ${l.decidedByName}` : ''}` },
                {
                  title: '',
                  width: 150,
                  render: (_, l) =>
                    l.status === 'pending' && m.abilities.decide ? (
                      <Space>
                        <Button size="small" type="primary" onClick={() => void act(() => api.post(`/api/v1/party/leave-requests/${l.id}/decide`, { approve: true, expectedVersion: l.version }))}>
                          {t('pty.t.approve')}
                        </Button>
                        <Button size="small" onClick={() => void act(() => api.post(`/api/v1/party/leave-requests/${l.id}/decide`, { approve: false, expectedVersion: l.version }))}>
                          {t('pty.t.refuse')}
                        </Button>
                      </Space>
                    ) : null,
                },
              ]}
            />
          </>
        )}

        {m.phase !== 'upcoming' && m.status === 'planned' && (
          <>
            <Typography.Title level={5}>{t('pty.mt.minutes')}</Typography.Title>
            {m.abilities.run ? (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Input.TextArea rows={5} maxLength={20000} value={minutes ?? m.minutes ?? ''} onChange={(e) => setMinutes(e.target.value)} />
                <Flex gap={8} wrap>
                  {m.photos.map((p) => (
                    <a key={p.id} href={p.url} target="_blank" rel="noopener">
                      <img src={p.url} alt={p.name} style={{ width: 96, height: 72, objectFit: 'cover' }} />
                    </a>
                  ))}
                </Flex>
                <Upload
                  accept="image/*"
                  listType="picture"
                  fileList={photos}
                  onChange={({ fileList }) => setPhotos(fileList)}
                  customRequest={({ file, onSuccess, onError }) => {
                    const form = new FormData();
                    form.append('file', file as Blob);
                    api
                      .upload<{ id: string }>('/api/v1/files', form, { purpose: 'party.meeting' })
                      .then((r) => onSuccess?.(r))
                      .catch((e: Error) => onError?.(e));
                  }}
                >
                  <Button>{t('pty.mt.upload')}</Button>
                </Upload>
                <Button
                  type="primary"
                  onClick={() =>
                    void act(() =>
                      api.put(`${MEETINGS_API}/${m.id}/minutes`, {
                        minutes: (minutes ?? m.minutes ?? '').trim(),
                        photoIds: [...m.photos.map((p) => p.id), ...photos.map((f) => (f.response as { id?: string } | undefined)?.id).filter((x): x is string => !!x)],
                        expectedVersion: m.version,
                      }).then(() => setPhotos([])),
                    )
                  }
                >
                  {t('pty.mt.saveMinutes')}
                </Button>
              </Space>
            ) : (
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{m.minutes ?? t('pty.mt.noMinutes')}</Typography.Paragraph>
            )}
          </>
        )}

        {m.abilities.run && m.status === 'planned' && m.phase === 'upcoming' && (
          <Space>
            <Input placeholder={t('pty.mt.cancelReason')} value={cancelReason} onChange={(e) => setCancelReason(e.target.value)} style={{ width: 260 }} />
            <Button danger disabled={cancelReason.trim().length < 2} onClick={() => void act(() => api.post(`${MEETINGS_API}/${m.id}/cancel`, { reason: cancelReason.trim(), expectedVersion: m.version }))}>
              {t('pty.mt.cancel')}
            </Button>
          </Space>
        )}
      </Space>
    </Drawer>
  );
}
