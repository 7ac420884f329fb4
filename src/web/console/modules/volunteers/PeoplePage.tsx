import { useState } from 'react';
import { Alert, Button, Checkbox, Drawer, Form, Input, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect, PersonPicker } from '../registry/common.js';
import { PagedTable } from './common.js';
import { hoursOf, type Team, type Volunteer } from './types.js';

const API = '/api/v1/volunteers';

interface Options {
  idTypes: string[];
  skills: string[];
  availability: string[];
}

/** 窗口登记: a registry person of the area, or someone outside it with their document; the paper consent signed. */
function RegisterDrawer({ options, onClose }: { options: Options | undefined; onClose: (done: boolean) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [who, setWho] = useState<'person' | 'outside'>('person');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { orgNodeId: string; personId?: string; name?: string; idType?: string; idNumber?: string; phone?: string; skills?: string[]; availability?: string[]; paper?: boolean }) => {
    setError(null);
    setBusy(true);
    try {
      await api.post(API, {
        orgNodeId: v.orgNodeId,
        ...(who === 'person' ? { personId: v.personId } : { identity: { name: v.name, idType: v.idType, idNumber: v.idNumber, phone: v.phone } }),
        skills: v.skills ?? [],
        availability: v.availability ?? [],
        consentOnPaper: v.paper === true,
      });
      onClose(true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Drawer open width={560} title={t('cvo.register')} onClose={() => onClose(false)} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ idType: '居民身份证' }}>
        <Form.Item name="orgNodeId" label={t('cvo.register.node')} rules={[{ required: true }]}>
          <OrgNodeSelect selectable={['community', 'grid']} />
        </Form.Item>
        <Radio.Group value={who} onChange={(e) => setWho(e.target.value as 'person' | 'outside')} style={{ marginBottom: 12 }}>
          <Radio value="person">{t('cvo.register.person')}</Radio>
          <Radio value="outside">{t('cvo.register.outside')}</Radio>
        </Radio.Group>
        {who === 'person' ? (
          <Form.Item name="personId" rules={[{ required: true }]}>
            <PersonPicker placeholder={t('cvo.register.personSearch')} />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="name" label={t('cvo.name')} rules={[{ required: true }]}>
              <Input maxLength={30} />
            </Form.Item>
            <Form.Item name="idType" label={t('cvo.register.idType')}>
              <Select options={(options?.idTypes ?? ['居民身份证']).map((x) => ({ value: x, label: x }))} />
            </Form.Item>
            <Form.Item name="idNumber" label={t('cvo.register.idNumber')} rules={[{ required: true }]}>
              <Input maxLength={30} autoComplete="off" />
            </Form.Item>
            <Form.Item name="phone" label={t('cvo.phone')} rules={[{ required: true }]}>
              <Input maxLength={20} />
            </Form.Item>
          </>
        )}
        <Form.Item name="skills" label={t('cvo.skills')}>
          <Select mode="tags" options={(options?.skills ?? []).map((x) => ({ value: x, label: x }))} maxCount={12} />
        </Form.Item>
        <Form.Item name="availability" label={t('cvo.availability')}>
          <Checkbox.Group options={(options?.availability ?? []).map((x) => ({ value: x, label: x }))} />
        </Form.Item>
        <Form.Item name="paper" valuePropName="checked" rules={[{ validator: (_, v) => (v ? Promise.resolve() : Promise.reject(new Error(t('cvo.register.paper')))) }]}>
          <Checkbox>{t('cvo.register.paper')}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('cvo.register')}
        </Button>
      </Form>
    </Drawer>
  );
}

function Register({ options }: { options: Options | undefined }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useApi((signal) => api.get<{ items: Volunteer[]; total: number }>(API, { q: q || undefined, page, pageSize: 20 }, signal), [q, page]);
  if (list.missing) return <NotEnabled path={API} />;
  const setStatus = async (v: Volunteer) => {
    setError(null);
    try {
      await api.patch(`${API}/${v.id}`, { status: v.status === 'active' ? 'inactive' : 'active', expectedVersion: v.version });
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search allowClear placeholder={t('cvo.search')} onSearch={(v) => { setQ(v.trim()); setPage(1); }} style={{ width: 240 }} />
        <Button type="primary" onClick={() => setAdding(true)} data-testid="volunteer-register-open">
          {t('cvo.register')}
        </Button>
      </Space>
      {(list.error || error) && <Alert type="error" showIcon title={error ?? list.error!.message} />}
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        columns={[
          { title: t('cvo.number'), dataIndex: 'number', width: 140 },
          { title: t('cvo.name'), dataIndex: 'name', width: 100 },
          { title: t('cvo.id'), render: (_, v: Volunteer) => `${v.idType} ${v.idMasked ?? ''}` },
          { title: t('cvo.phone'), dataIndex: 'phoneMasked', width: 130 },
          { title: t('cvo.skills'), render: (_, v: Volunteer) => v.skills.map((s) => <Tag key={s}>{s}</Tag>) },
          { title: t('cvo.teams'), render: (_, v: Volunteer) => v.teams.map((x) => <Tag key={x.id} color={x.role === 'leader' ? 'gold' : undefined}>{x.name}{x.role === 'leader' ? `·${t('cvo.team.leader')}` : ''}</Tag>) },
          { title: t('cvo.hours'), width: 110, render: (_, v: Volunteer) => hoursOf(v.minutes) },
          { title: t('cvo.consent'), width: 150, render: (_, v: Volunteer) => `${t(`cvo.consent.${v.consent.how}`)} ${formatDateTime(v.consent.at).slice(0, 10)}` },
          {
            title: t('cvo.status'),
            width: 120,
            render: (_, v: Volunteer) => (
              <Space>
                <Tag color={v.status === 'active' ? 'green' : 'default'}>{t(`cvo.status.${v.status}`)}</Tag>
                <a onClick={() => void setStatus(v)}>{v.status === 'active' ? t('cvo.deactivate') : t('cvo.activate')}</a>
              </Space>
            ),
          },
        ]}
      />
      {adding && (
        <RegisterDrawer
          options={options}
          onClose={(done) => {
            setAdding(false);
            if (done) list.reload();
          }}
        />
      )}
    </Space>
  );
}

function VolunteerPicker({ value, onChange }: { value?: string; onChange?: (v: string | undefined) => void }) {
  const { t } = useI18n();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const search = (q: string) => {
    if (!q.trim()) return;
    api
      .get<{ items: Volunteer[] }>(API, { q: q.trim(), pageSize: 10, status: 'active' })
      .then((p) => setOptions(p.items.map((v) => ({ value: v.id, label: `${v.name} · ${v.number}` }))))
      .catch(() => setOptions([]));
  };
  return <Select value={value} onChange={onChange} options={options} showSearch={{ filterOption: false, onSearch: search }} placeholder={t('cvo.team.pick')} style={{ width: 260 }} notFoundContent={null} allowClear />;
}

function TeamCard({ team, onChanged }: { team: Team; onChanged: () => void }) {
  const { t } = useI18n();
  const [pick, setPick] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <div style={{ border: '1px solid #e5e7eb', borderRadius: 8, padding: 16, marginBottom: 12 }} data-testid="volunteer-team">
      <Space align="baseline" wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {team.name}
        </Typography.Title>
        <Tag color={team.kind === 'supervision' ? 'orange' : 'blue'}>{t(`cvo.team.kind.${team.kind}`)}</Tag>
        <span style={{ color: '#4b5563' }}>{team.orgNodeName}</span>
      </Space>
      {team.description && <Typography.Paragraph style={{ margin: '8px 0' }}>{team.description}</Typography.Paragraph>}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Table
        rowKey="volunteerId"
        size="small"
        pagination={false}
        dataSource={team.members}
        columns={[
          { title: t('cvo.name'), dataIndex: 'name' },
          { title: t('cvo.number'), dataIndex: 'number' },
          { title: t('cvo.team.members'), render: (_, m: Team['members'][number]) => (m.role === 'leader' ? <Tag color="gold">{t('cvo.team.leader')}</Tag> : t('cvo.team.member')) },
          {
            title: '',
            render: (_, m: Team['members'][number]) => (
              <Space>
                <a onClick={() => void act(() => api.put(`/api/v1/volunteer-teams/${team.id}/members`, { volunteerId: m.volunteerId, role: m.role === 'leader' ? 'member' : 'leader' }))}>{m.role === 'leader' ? t('cvo.team.makeMember') : t('cvo.team.makeLeader')}</a>
                <a onClick={() => void act(() => api.delete(`/api/v1/volunteer-teams/${team.id}/members/${m.volunteerId}`))}>{t('cvo.team.remove')}</a>
              </Space>
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 8 }}>
        <VolunteerPicker value={pick} onChange={setPick} />
        <Button disabled={!pick} onClick={() => void act(() => api.put(`/api/v1/volunteer-teams/${team.id}/members`, { volunteerId: pick, role: 'member' }).then(() => setPick(undefined)))}>
          {t('cvo.team.add')}
        </Button>
      </Space>
    </div>
  );
}

function Teams() {
  const { t } = useI18n();
  const teams = useApi((signal) => api.get<{ items: Team[] }>('/api/v1/volunteer-teams', undefined, signal), []);
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const create = async (v: { orgNodeId: string; name: string; kind: 'service' | 'supervision'; description?: string }) => {
    setError(null);
    try {
      await api.post('/api/v1/volunteer-teams', { ...v, description: v.description ?? '' });
      form.resetFields();
      teams.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {(teams.error || error) && <Alert type="error" showIcon title={error ?? teams.error!.message} />}
      {(teams.data?.items ?? []).map((team) => (
        <TeamCard key={team.id} team={team} onChanged={teams.reload} />
      ))}
      <Typography.Title level={5}>{t('cvo.team.new')}</Typography.Title>
      <Form form={form} layout="inline" onFinish={(v) => void create(v)} initialValues={{ kind: 'service' }}>
        <Form.Item name="orgNodeId" rules={[{ required: true }]}>
          <OrgNodeSelect selectable={['street', 'community', 'grid']} />
        </Form.Item>
        <Form.Item name="name" rules={[{ required: true, min: 2 }]}>
          <Input placeholder={t('cvo.team.name')} maxLength={40} />
        </Form.Item>
        <Form.Item name="kind">
          <Select style={{ width: 140 }} options={(['service', 'supervision'] as const).map((k) => ({ value: k, label: t(`cvo.team.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="description">
          <Input placeholder={t('cvo.team.description')} maxLength={500} style={{ width: 280 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('cvo.team.new')}
        </Button>
      </Form>
    </Space>
  );
}

/** 志愿者与队伍: the register of the caller's area (an audited read) and the teams with their leaders. */
export default function PeoplePage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('cvo.crumb') }, { title: t('cvo.menu.people') }]);
  const options = useApi((signal) => api.get<Options>('/api/v1/volunteers/options', undefined, signal), []);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('cvo.menu.people')}
      </Typography.Title>
      <Tabs
        items={[
          { key: 'register', label: t('cvo.tab.register'), children: <Register options={options.data} /> },
          { key: 'teams', label: t('cvo.tab.teams'), children: <Teams /> },
        ]}
      />
    </Space>
  );
}
