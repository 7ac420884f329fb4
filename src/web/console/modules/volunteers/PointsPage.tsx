import { lazy, Suspense, useState, type ReactNode } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Alert, Button, DatePicker, Drawer, Form, Input, InputNumber, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useLocation, useSearch } from 'wouter';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import { PagedTable } from './common.js';
import type { PointsAward, PointsKind, PointsRule } from './points.types.js';
import type { Volunteer } from './types.js';
import './points.messages.js';

const RewardsPanel = lazy(() => import('./RewardsPanel.js'));
const FundPanel = lazy(() => import('./FundPanel.js'));

const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);

/** A rule's form: new (with its node and kind) or an edit of the numbers, validity and status. */
function RuleDrawer({ rule, kinds, onClose }: { rule: PointsRule | null; kinds: PointsKind[]; onClose: (changed: boolean) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const save = async (v: { orgNodeId?: string; name: string; sourceKind?: string; pointsPerUnit: number; maxPerAward?: number | null; maxPerMonth?: number | null; validity?: [Dayjs | null, Dayjs | null] | null; description?: string; active?: boolean }) => {
    setError(null);
    const body = { name: v.name, pointsPerUnit: v.pointsPerUnit, maxPerAward: v.maxPerAward ?? null, maxPerMonth: v.maxPerMonth ?? null, validFrom: day(v.validity?.[0]), validTo: day(v.validity?.[1]), description: v.description ?? '' };
    try {
      if (rule) await api.patch(`/api/v1/points/rules/${rule.id}`, { ...body, active: v.active, expectedVersion: rule.version });
      else await api.post('/api/v1/points/rules', { ...body, orgNodeId: v.orgNodeId, sourceKind: v.sourceKind });
      onClose(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open width={560} title={rule ? t('cpt.rule.edit') : t('cpt.rule.new')} onClose={() => onClose(false)} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        layout="vertical"
        onFinish={(v) => void save(v)}
        data-testid="points-rule-form"
        initialValues={
          rule
            ? { name: rule.name, pointsPerUnit: rule.pointsPerUnit, maxPerAward: rule.maxPerAward, maxPerMonth: rule.maxPerMonth, validity: [rule.validFrom ? dayjs(rule.validFrom) : null, rule.validTo ? dayjs(rule.validTo) : null], description: rule.description, active: rule.active }
            : { sourceKind: 'volunteer.hours', pointsPerUnit: 10 }
        }
      >
        {!rule && (
          <>
            <Form.Item name="orgNodeId" label={t('cpt.rule.node')} rules={[{ required: true }]}>
              <OrgNodeSelect selectable={['city', 'district', 'street', 'community', 'grid']} />
            </Form.Item>
            <Form.Item name="sourceKind" label={t('cpt.rule.kind')} rules={[{ required: true }]}>
              <Select options={kinds.map((k) => ({ value: k.kind, label: `${k.label}（${t(`cpt.per.${k.perUnit}`)}）` }))} />
            </Form.Item>
          </>
        )}
        <Form.Item name="name" label={t('cpt.rule.name')} rules={[{ required: true, min: 2 }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="pointsPerUnit" label={t('cpt.rule.points')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100000} precision={0} />
          </Form.Item>
          <Form.Item name="maxPerAward" label={t('cpt.rule.maxPerAward')}>
            <InputNumber min={1} precision={0} placeholder={t('cpt.none')} />
          </Form.Item>
          <Form.Item name="maxPerMonth" label={t('cpt.rule.maxPerMonth')}>
            <InputNumber min={1} precision={0} placeholder={t('cpt.none')} />
          </Form.Item>
        </Space>
        <Form.Item name="validity" label={t('cpt.rule.validity')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item name="description" label={t('cpt.rule.description')}>
          <Input.TextArea maxLength={500} rows={3} />
        </Form.Item>
        {rule && (
          <Form.Item name="active" label={t('cpt.rule.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit">
          {t('cpt.save')}
        </Button>
      </Form>
    </Drawer>
  );
}

function Rules() {
  const { t } = useI18n();
  const rules = useApi((signal) => api.get<{ items: PointsRule[] }>('/api/v1/points/rules', undefined, signal), []);
  const kinds = useApi((signal) => api.get<{ items: PointsKind[] }>('/api/v1/points/kinds', undefined, signal), []);
  const [editing, setEditing] = useState<PointsRule | 'new' | null>(null);
  if (rules.missing) return <NotEnabled path="/api/v1/points/rules" />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('cpt.rules.hint')} />
      <Button type="primary" onClick={() => setEditing('new')} data-testid="points-rule-new">
        {t('cpt.rule.new')}
      </Button>
      {rules.error && <Alert type="error" showIcon title={rules.error.message} />}
      <Table
        rowKey="id"
        size="middle"
        loading={rules.loading}
        dataSource={rules.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('cpt.rule.name'), render: (_, r: PointsRule) => <>{r.name} {!r.active && <Tag>{t('cpt.rule.inactive')}</Tag>}</> },
          { title: t('cpt.rule.node'), dataIndex: 'orgNodeName', width: 140 },
          { title: t('cpt.rule.kind'), dataIndex: 'sourceKindLabel', width: 130 },
          { title: t('cpt.rule.points'), width: 130, render: (_, r: PointsRule) => t(`cpt.rate.${r.perUnit}`, { n: r.pointsPerUnit }) },
          { title: t('cpt.rule.caps'), width: 190, render: (_, r: PointsRule) => [r.maxPerAward ? t('cpt.cap.award', { n: r.maxPerAward }) : null, r.maxPerMonth ? t('cpt.cap.month', { n: r.maxPerMonth }) : null].filter(Boolean).join('，') || '—' },
          { title: t('cpt.rule.validity'), width: 200, render: (_, r: PointsRule) => (r.validFrom || r.validTo ? `${r.validFrom ?? '…'} – ${r.validTo ?? '…'}` : t('cpt.always')) },
          { title: '', width: 70, render: (_, r: PointsRule) => <a onClick={() => setEditing(r)}>{t('cpt.edit')}</a> },
        ]}
      />
      {editing && (
        <RuleDrawer
          rule={editing === 'new' ? null : editing}
          kinds={kinds.data?.items ?? []}
          onClose={(changed) => {
            setEditing(null);
            if (changed) rules.reload();
          }}
        />
      )}
    </Space>
  );
}

/** 好人好事: a verified good deed of a volunteer (or resident) earns points by the rule in force. */
function GoodDeeds() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const awards = useApi((signal) => api.get<{ items: PointsAward[]; total: number }>('/api/v1/points/awards', { page, pageSize: 20 }, signal), [page]);
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [form] = Form.useForm();
  const search = (q: string) => {
    if (!q.trim()) return;
    api
      .get<{ items: Volunteer[] }>('/api/v1/volunteers', { q: q.trim(), pageSize: 10 })
      .then((p) => setOptions(p.items.map((v) => ({ value: v.id, label: `${v.name} · ${v.number}` }))))
      .catch(() => setOptions([]));
  };
  const award = async (v: { volunteerId: string; quantity: number; description: string; happenedOn: Dayjs }) => {
    setMessage(null);
    try {
      const a = await api.post<PointsAward>('/api/v1/points/good-deeds', { holder: { volunteerId: v.volunteerId }, quantity: v.quantity, description: v.description, happenedOn: v.happenedOn.format('YYYY-MM-DD') });
      setMessage({ type: 'success', text: t('cpt.deed.done', { name: a.holderName ?? '', points: a.points }) });
      form.resetFields(['description']);
      awards.reload();
    } catch (e) {
      setMessage({ type: 'error', text: errorMessage(e) });
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={5}>{t('cpt.deed.title')}</Typography.Title>
      {message && <Alert type={message.type} showIcon title={message.text} />}
      <Form form={form} layout="inline" onFinish={(v) => void award(v)} initialValues={{ quantity: 1, happenedOn: dayjs() }} data-testid="points-deed-form">
        <Form.Item name="volunteerId" rules={[{ required: true }]}>
          <Select options={options} showSearch={{ filterOption: false, onSearch: search }} placeholder={t('cpt.deed.volunteer')} style={{ width: 220 }} notFoundContent={null} />
        </Form.Item>
        <Form.Item name="happenedOn" rules={[{ required: true }]}>
          <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="quantity" rules={[{ required: true }]}>
          <InputNumber min={1} max={100} precision={0} addonAfter={t('cpt.deed.items')} style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="description" rules={[{ required: true, min: 4 }]}>
          <Input placeholder={t('cpt.deed.description')} style={{ width: 320 }} maxLength={200} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('cpt.deed.award')}
        </Button>
      </Form>
      <Typography.Title level={5}>{t('cpt.awards')}</Typography.Title>
      <PagedTable
        list={awards}
        page={page}
        onPage={setPage}
        size="small"
        columns={[
          { title: t('cpt.when'), width: 150, render: (_, a: PointsAward) => formatDateTime(a.createdAt) },
          { title: t('cpt.holder'), width: 110, render: (_, a: PointsAward) => a.holderName ?? '—' },
          { title: t('cpt.rule.name'), dataIndex: 'ruleName', width: 150 },
          { title: t('cpt.memo'), dataIndex: 'memo' },
          {
            title: t('cpt.points'),
            width: 120,
            render: (_, a: PointsAward) => (
              <>
                <Typography.Text type={a.points < 0 ? 'danger' : undefined}>{a.points > 0 ? `+${a.points}` : a.points}</Typography.Text>
                {a.points !== a.uncappedPoints && a.revision === 1 && <Tag style={{ marginLeft: 6 }}>{t('cpt.capped', { n: a.uncappedPoints })}</Tag>}
              </>
            ),
          },
        ]}
      />
    </Space>
  );
}

const TABS = ['rules', 'deeds', 'catalogue', 'orders', 'fund'] as const;

/** 积分与互助基金: points rules, good deeds, the 爱心超市 (catalogue, orders to fulfil) and the mutual-aid fund. */
export default function PointsPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const search = new URLSearchParams(useSearch());
  const { me } = useSession();
  // Mirrors the policies: the party secretary sits on the fund's committee only.
  const staff = hasRole(me, 'community_staff', 'dispatcher');
  const allowed = TABS.filter((x) => staff || x === 'fund');
  const tab = allowed.find((x) => x === search.get('tab')) ?? allowed[0]!;
  useBreadcrumbs([{ title: t('cvo.crumb') }, { title: t('cpt.menu') }]);
  const lazyPanel = (node: ReactNode) => <Suspense fallback={<Typography.Text type="secondary">{t('common.loading')}</Typography.Text>}>{node}</Suspense>;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('cpt.menu')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(`/volunteers/points?tab=${k}`)}
        destroyOnHidden
        items={[
          { key: 'rules', label: t('cpt.tab.rules'), children: <Rules /> },
          { key: 'deeds', label: t('cpt.tab.deeds'), children: <GoodDeeds /> },
          { key: 'catalogue', label: t('cpt.tab.catalogue'), children: lazyPanel(<RewardsPanel view="catalogue" />) },
          { key: 'orders', label: t('cpt.tab.orders'), children: lazyPanel(<RewardsPanel view="orders" />) },
          { key: 'fund', label: t('cpt.tab.fund'), children: lazyPanel(<FundPanel />) },
        ].filter((item) => (allowed as readonly string[]).includes(item.key))}
      />
    </Space>
  );
}

