import { useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { api, errorMessage, fieldErrors } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { ORGS_API, type Label, type Org } from './types.js';
import './engagement.messages.js';

const POINTS = '/api/v1/party/points';
const ITEMS = ['attendance', 'study', 'volunteering', 'good_deed'] as const;

/** Shapes of src/modules/party/party-points.schema.ts. */
interface ItemScore {
  item: (typeof ITEMS)[number];
  label: Label;
  units: number;
  pointsPerUnit: number;
  yearlyCap: number | null;
  raw: number;
  points: number;
  capped: boolean;
}
interface Score {
  memberId: string;
  name: string;
  branchName: string;
  year: number;
  items: ItemScore[];
  adjustments: { id: string; points: number; reason: string; createdByName: string; createdAt: string }[];
  adjustmentTotal: number;
  total: number;
}
interface Scores {
  orgName: string;
  year: number;
  canAdjust: boolean;
  items: Score[];
}
interface Rules {
  committeeId: string | null;
  committeeName: string | null;
  canEdit: boolean;
  rules: { item: (typeof ITEMS)[number]; label: Label; unit: Label; pointsPerUnit: number; yearlyCap: number | null; own: boolean }[];
}

/** /console/party/points: members' yearly scores (item by item), adjustments with reasons, the xlsx, the committee's rules. */
export default function PointsAdminPage() {
  const { t, locale } = useI18n();
  useBreadcrumbs([{ title: t('pty.menu') }, { title: t('cpe.menu.points') }]);
  const orgs = useApi((signal) => api.get<{ items: Org[] }>(ORGS_API, undefined, signal), []);
  const thisYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [picked, setPicked] = useState<string | undefined>();
  const orgId = picked ?? orgs.data?.items.find((o) => o.kind === 'committee')?.id ?? orgs.data?.items[0]?.id;
  const scores = useApi((signal) => (orgId ? api.get<Scores>(POINTS, { orgId, year }, signal) : Promise.resolve(undefined)), [orgId, year]);
  const [adjusting, setAdjusting] = useState<Score | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (scores.missing) return <NotEnabled path={POINTS} />;
  const exportXlsx = async () => {
    setError(null);
    try {
      await api.download(`${POINTS}/export.xlsx`, { orgId, year }, `党员积分_${year}.xlsx`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const data = scores.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="party-points-page">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('cpe.menu.points')}
      </Typography.Title>
      <Space wrap>
        <Select style={{ width: 220 }} value={orgId} onChange={setPicked} options={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))} placeholder={t('cpe.org')} />
        <Select style={{ width: 110 }} value={year} onChange={setYear} options={[thisYear, thisYear - 1, thisYear - 2].map((y) => ({ value: y, label: `${y}` }))} aria-label={t('cpp.year')} />
        <Button onClick={() => void exportXlsx()} disabled={!orgId} data-testid="points-export">
          {t('cpp.export')}
        </Button>
      </Space>
      {(scores.error || error) && <Alert type="error" showIcon title={scores.error?.message ?? error} />}
      <Table
        rowKey="memberId"
        size="small"
        loading={scores.loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('cpp.none') }}
        pagination={{ pageSize: 50 }}
        data-testid="points-table"
        expandable={{
          rowExpandable: (s: Score) => s.adjustments.length > 0,
          expandedRowRender: (s: Score) => (
            <ul style={{ margin: 0 }}>
              {s.adjustments.map((a) => (
                <li key={a.id}>
                  {a.points > 0 ? `+${a.points}` : a.points} · {a.reason} · {a.createdByName}
                </li>
              ))}
            </ul>
          ),
        }}
        columns={[
          { title: t('cpe.name'), dataIndex: 'name', width: 100 },
          { title: t('cpe.branch'), dataIndex: 'branchName', width: 130 },
          ...ITEMS.map((item) => ({
            title: data?.items[0]?.items.find((i) => i.item === item)?.label[locale] ?? item,
            width: 120,
            render: (_: unknown, s: Score) => {
              const i = s.items.find((x) => x.item === item)!;
              return (
                <span title={`${i.units} × ${i.pointsPerUnit} = ${i.raw}`}>
                  {i.points} <Typography.Text type="secondary">({i.units})</Typography.Text> {i.capped && <Tag color="orange">{t('cpp.capped')}</Tag>}
                </span>
              );
            },
          })),
          { title: t('cpp.adjust'), width: 70, render: (_: unknown, s: Score) => (s.adjustmentTotal > 0 ? `+${s.adjustmentTotal}` : s.adjustmentTotal) },
          { title: t('cpp.total'), width: 70, render: (_: unknown, s: Score) => <strong>{s.total}</strong> },
          ...(data?.canAdjust ? [{ title: '', width: 80, render: (_: unknown, s: Score) => <Button size="small" onClick={() => setAdjusting(s)}>{t('cpp.adjust')}</Button> }] : []),
        ]}
      />
      {orgId && <RulesCard orgId={orgId} onSaved={scores.reload} />}
      {adjusting && (
        <AdjustModal
          score={adjusting}
          year={year}
          onClose={(saved) => {
            setAdjusting(null);
            if (saved) scores.reload();
          }}
        />
      )}
    </Space>
  );
}

function AdjustModal({ score, year, onClose }: { score: Score; year: number; onClose: (saved: boolean) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const v = (await form.validateFields()) as { points: number; reason: string };
    try {
      await api.post(`${POINTS}/adjustments`, { memberId: score.memberId, year, points: v.points, reason: v.reason });
      onClose(true);
    } catch (e) {
      form.setFields(Object.entries(fieldErrors(e)).map(([name, errors]) => ({ name, errors: [errors] })));
      setError(errorMessage(e));
    }
  };
  return (
    <Modal open title={t('cpp.adjustTitle', { name: score.name, year })} onCancel={() => onClose(false)} onOk={() => void save()} okText={t('cpe.save')} cancelText={t('cpe.cancel')}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical">
        <Form.Item name="points" label={t('cpp.adjustPoints')} rules={[{ required: true }]}>
          <InputNumber min={-100} max={100} />
        </Form.Item>
        <Form.Item name="reason" label={t('cpp.adjustReason')} rules={[{ required: true, min: 4 }]}>
          <Input.TextArea rows={3} maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RulesCard({ orgId, onSaved }: { orgId: string; onSaved: () => void }) {
  const { t, locale } = useI18n();
  const rules = useApi((signal) => api.get<Rules>(`${POINTS}/rules`, { orgId }, signal), [orgId]);
  const [draft, setDraft] = useState<Record<string, { pointsPerUnit: number; yearlyCap: number | null }> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const r = rules.data;
  if (!r) return null;
  const save = async () => {
    if (!draft || !r.committeeId) return;
    setError(null);
    try {
      await api.put(`${POINTS}/rules`, { committeeId: r.committeeId, rules: ITEMS.map((item) => ({ item, ...draft[item]! })) });
      setDraft(null);
      rules.reload();
      onSaved();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const value = (item: string) => draft?.[item] ?? r.rules.find((x) => x.item === item)!;
  return (
    <Card size="small" title={r.committeeName ? t('cpp.rulesOf', { name: r.committeeName }) : t('cpp.rulesDefault')} data-testid="points-rules">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table
        rowKey="item"
        size="small"
        pagination={false}
        dataSource={r.rules}
        columns={[
          { title: t('cpp.rules'), render: (_, x) => x.label[locale] },
          { title: t('cpp.perUnit', { unit: '' }), width: 170, render: (_, x) => (draft ? <InputNumber min={0} max={100} value={value(x.item).pointsPerUnit} onChange={(v) => setDraft({ ...draft, [x.item]: { ...value(x.item), pointsPerUnit: Number(v ?? 0) } })} /> : `${x.pointsPerUnit} / ${x.unit[locale]}`) },
          { title: t('cpp.cap'), width: 170, render: (_, x) => (draft ? <InputNumber min={1} max={10000} value={value(x.item).yearlyCap ?? undefined} onChange={(v) => setDraft({ ...draft, [x.item]: { ...value(x.item), yearlyCap: v === null || v === undefined ? null : Number(v) } })} /> : (x.yearlyCap ?? '—')) },
          { title: '', width: 120, render: (_, x) => <Tag>{x.own ? t('cpp.own') : t('cpp.default')}</Tag> },
        ]}
      />
      {r.canEdit && (
        <Space style={{ marginTop: 12 }}>
          {draft ? (
            <>
              <Button type="primary" onClick={() => void save()}>
                {t('cpe.save')}
              </Button>
              <Button onClick={() => setDraft(null)}>{t('cpe.cancel')}</Button>
            </>
          ) : (
            <Button onClick={() => setDraft(Object.fromEntries(r.rules.map((x) => [x.item, { pointsPerUnit: x.pointsPerUnit, yearlyCap: x.yearlyCap }])))}>{t('cpp.rules')}</Button>
          )}
        </Space>
      )}
    </Card>
  );
}
