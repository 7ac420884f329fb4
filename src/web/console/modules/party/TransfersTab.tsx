import { useState } from 'react';
import { Alert, Button, Descriptions, Drawer, Form, Input, InputNumber, Segmented, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { MEMBERS_API, ORGS_API, TRANSFERS_API, type Member, type Org, type Transfer, type TransferAction, type TransferDetail } from './types.js';

const REASONS = ['工作调动', '居住地变更', '升学', '毕业', '退休', '外出务工', '其他'];

/** 组织关系转接: what waits for me (or everything I may see), each transfer's steps and history, starting one. */
export default function TransfersTab() {
  const { t, locale } = useI18n();
  const [todo, setTodo] = useState<'todo' | 'all'>('todo');
  const [open, setOpen] = useState<string | null>(null);
  const [starting, setStarting] = useState<'out' | 'in' | null>(null);
  const list = useApi((signal) => api.get<{ items: Transfer[]; total: number }>(TRANSFERS_API, { todo: todo === 'todo' ? '1' : undefined, pageSize: 100 }, signal), [todo]);
  if (list.missing) return <NotEnabled path={TRANSFERS_API} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Segmented value={todo} onChange={(v) => setTodo(v as typeof todo)} options={[{ value: 'todo', label: t('pty.t.todo') }, { value: 'all', label: t('pty.t.all') }]} />
        <Button onClick={() => setStarting('out')}>{t('pty.t.startOut')}</Button>
        <Button onClick={() => setStarting('in')}>{t('pty.t.startIn')}</Button>
      </Space>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        data-testid="party-transfers"
        columns={[
          { title: t('pty.t.member'), dataIndex: 'memberName', width: 90 },
          { title: t('pty.t.direction'), width: 70, render: (_, r: Transfer) => t(r.direction === 'out' ? 'pty.t.out' : 'pty.t.in') },
          { title: t('pty.t.route'), render: (_, r: Transfer) => `${r.fromOrgName} → ${r.toOrgName}` },
          { title: t('pty.t.state'), width: 200, render: (_, r: Transfer) => <Space direction="vertical" size={0}><Tag>{r.stateLabel[locale]}</Tag>{r.waitingFor && <Typography.Text type="secondary">{t('pty.t.waiting', { who: r.waitingFor[locale] })}</Typography.Text>}</Space> },
          { title: t('pty.t.due'), width: 170, render: (_, r: Transfer) => (r.dueAt ? <Space>{r.overdue && <Tag color="red">{t('pty.t.overdue')}</Tag>}{formatDateTime(r.dueAt)}</Space> : '—') },
          { title: t('pty.t.letter'), width: 150, dataIndex: 'letterNumber', render: (v: string | null) => v ?? '—' },
          { title: '', width: 80, render: (_, r: Transfer) => <Button size="small" type={r.actions.length ? 'primary' : 'default'} onClick={() => setOpen(r.id)}>{t('pty.mt.open')}</Button> },
        ]}
      />
      {open && <TransferDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />}
      {starting && (
        <StartTransfer
          direction={starting}
          onClose={(id) => {
            setStarting(null);
            list.reload();
            if (id) setOpen(id);
          }}
        />
      )}
    </Space>
  );
}

function TransferDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const detail = useApi((signal) => api.get<TransferDetail>(`${TRANSFERS_API}/${id}`, undefined, signal), [id]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const d = detail.data;
  const act = async (action: TransferAction) => {
    if (!d) return;
    setError(null);
    try {
      await api.post(`${TRANSFERS_API}/${d.id}/steps`, { action, note: note.trim() || undefined, expectedVersion: d.version });
      setNote('');
      detail.reload();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
      detail.reload();
    }
  };
  return (
    <Drawer open size="large" title={d ? `${d.memberName} · ${t(d.direction === 'out' ? 'pty.t.out' : 'pty.t.in')}` : ''} onClose={onClose} data-testid="party-transfer-drawer">
      {detail.error && <Alert type="error" showIcon title={detail.error.message} />}
      {d && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('pty.t.state')}>
              <span data-testid="party-transfer-state">{d.stateLabel[locale]}</span>
              {d.waitingFor && <Typography.Text type="secondary"> · {t('pty.t.waiting', { who: d.waitingFor[locale] })}</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label={t('pty.t.route')}>{`${d.fromOrgName} → ${d.toOrgName}`}</Descriptions.Item>
            <Descriptions.Item label={t('pty.m.category')}>{t(`pty.cat.${d.category}`)}</Descriptions.Item>
            <Descriptions.Item label={t('pty.t.reason')}>{d.reason}{d.note ? `（${d.note}）` : ''}</Descriptions.Item>
            <Descriptions.Item label={t('pty.t.letter')}>
              {d.letterNumber ?? '—'}
              {d.letterValidUntil && ` · ${d.letterValidUntil}`}
              {d.letterPath && (
                <a href={d.letterPath} target="_blank" rel="noopener" style={{ marginLeft: 8 }}>
                  {t('pty.t.print')}
                </a>
              )}
            </Descriptions.Item>
            {d.dueAt && <Descriptions.Item label={t('pty.t.due')}>{formatDateTime(d.dueAt)}{d.overdue && <Tag color="red" style={{ marginLeft: 8 }}>{t('pty.t.overdue')}</Tag>}</Descriptions.Item>}
          </Descriptions>
          {d.refusalReason && <Alert type="warning" showIcon title={t('pty.t.refused', { reason: d.refusalReason })} />}
          {error && <Alert type="error" showIcon title={error} data-testid="party-transfer-error" />}
          {d.actions.length > 0 && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input.TextArea rows={2} maxLength={300} placeholder={t('pty.t.note')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="party-transfer-note" />
              <Space>
                {d.actions.map((a) => (
                  <Button key={a} type={a === 'approve' || a === 'confirm' ? 'primary' : 'default'} danger={a === 'refuse'} onClick={() => void act(a)} data-testid={`party-transfer-${a}`}>
                    {t(`pty.t.${a}`)}
                  </Button>
                ))}
              </Space>
            </Space>
          )}
          <Typography.Title level={5}>{t('pty.t.history')}</Typography.Title>
          <Timeline
            items={d.history.map((h) => ({
              children: (
                <span>
                  {formatDateTime(h.at)} · {h.actorName} · {h.actionLabel[locale]}
                  {h.note ? `：${h.note}` : ''}
                </span>
              ),
            }))}
          />
        </Space>
      )}
    </Drawer>
  );
}

function StartTransfer({ direction, onClose }: { direction: 'out' | 'in'; onClose: (id?: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const orgs = useApi((signal) => api.get<{ items: Org[] }>(ORGS_API, undefined, signal), []);
  const [q, setQ] = useState('');
  const members = useApi((signal) => (direction === 'out' ? api.get<{ items: Member[] }>(MEMBERS_API, { q: q || undefined, pageSize: 50 }, signal) : Promise.resolve({ items: [] as Member[] })), [q, direction]);
  const branches = (orgs.data?.items ?? []).filter((o) => o.kind === 'branch');
  const save = async () => {
    const v = (await form.validateFields()) as Record<string, string | number | undefined>;
    setError(null);
    try {
      const res =
        direction === 'out'
          ? await api.post<{ id: string }>(`${TRANSFERS_API}/out`, {
              memberId: v.memberId,
              destination: v.destOrgId ? { orgId: v.destOrgId } : { name: v.destName },
              reason: v.reason,
              note: v.note || undefined,
              validDays: v.validDays,
              duesPaidUntil: v.dues || undefined,
            })
          : await api.post<{ id: string }>(`${TRANSFERS_API}/in`, {
              idNumber: v.idNumber,
              toOrgId: v.toOrgId,
              fromOrgName: v.fromOrgName,
              letterNumber: v.letterNumber,
              letterValidUntil: v.letterValidUntil,
              category: v.category,
              joinedOn: v.joinedOn,
              confirmedOn: v.category === 'full' ? v.confirmedOn || undefined : undefined,
              duesPaidUntil: v.dues || undefined,
              reason: v.reason,
              note: v.note || undefined,
            });
      onClose(res.id);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open size="large" title={t(direction === 'out' ? 'pty.t.startOut' : 'pty.t.startIn')} onClose={() => onClose()} extra={<Button type="primary" onClick={() => void save()}>{t('pty.save')}</Button>}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ reason: direction === 'out' ? '工作调动' : '居住地变更', validDays: 30, category: 'full' }}>
        {direction === 'out' ? (
          <>
            <Form.Item name="memberId" label={t('pty.t.member')} rules={[{ required: true }]}>
              <Select showSearch filterOption={false} onSearch={setQ} options={(members.data?.items ?? []).map((m) => ({ value: m.id, label: `${m.name} · ${m.orgName}` }))} />
            </Form.Item>
            <Form.Item name="destOrgId" label={t('pty.t.destOrg')}>
              <Select allowClear options={branches.map((b) => ({ value: b.id, label: b.name }))} />
            </Form.Item>
            <Form.Item name="destName" label={t('pty.t.destName')}>
              <Input maxLength={100} />
            </Form.Item>
            <Space>
              <Form.Item name="validDays" label={t('pty.t.validDays')}>
                <InputNumber min={7} max={90} />
              </Form.Item>
              <Form.Item name="dues" label={t('pty.t.dues')}>
                <Input placeholder="2026-11" style={{ width: 120 }} />
              </Form.Item>
            </Space>
          </>
        ) : (
          <>
            <Form.Item name="idNumber" label={t('pty.add.idNumber')} rules={[{ required: true, min: 15 }]}>
              <Input maxLength={18} autoComplete="off" />
            </Form.Item>
            <Form.Item name="toOrgId" label={t('pty.t.toBranch')} rules={[{ required: true }]}>
              <Select options={branches.filter((b) => b.abilities.run).map((b) => ({ value: b.id, label: b.name }))} />
            </Form.Item>
            <Form.Item name="fromOrgName" label={t('pty.t.fromOrgName')} rules={[{ required: true, min: 4 }]}>
              <Input maxLength={100} />
            </Form.Item>
            <Space wrap>
              <Form.Item name="letterNumber" label={t('pty.t.letterNumber')} rules={[{ required: true }]}>
                <Input maxLength={40} />
              </Form.Item>
              <Form.Item name="letterValidUntil" label={t('pty.t.letterValidUntil')} rules={[{ required: true }]}>
                <Input type="date" />
              </Form.Item>
            </Space>
            <Space wrap>
              <Form.Item name="category" label={t('pty.m.category')}>
                <Select style={{ width: 140 }} options={(['full', 'probationary'] as const).map((c) => ({ value: c, label: t(`pty.cat.${c}`) }))} />
              </Form.Item>
              <Form.Item name="joinedOn" label={t('pty.m.joined')} rules={[{ required: true }]}>
                <Input type="date" />
              </Form.Item>
              <Form.Item name="confirmedOn" label={t('pty.m.confirmed')}>
                <Input type="date" />
              </Form.Item>
              <Form.Item name="dues" label={t('pty.t.dues')}>
                <Input placeholder="2026-11" style={{ width: 120 }} />
              </Form.Item>
            </Space>
          </>
        )}
        <Form.Item name="reason" label={t('pty.t.reason')}>
          <Select options={REASONS.map((r) => ({ value: r, label: r }))} />
        </Form.Item>
        <Form.Item name="note" label={t('pty.t.note')}>
          <Input.TextArea rows={2} maxLength={300} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
