import { useState } from 'react';
import { Alert, Card, Empty, Input, List, Select, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../../shared/api.js';
import { formatDateShort, formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { ORGS_API, type Compliance, type Org } from './types.js';

const COLORS = { kept: 'green', missed: 'red', open: 'default', not_applicable: 'default' } as const;

/** `YYYY-MM` months ago (Beijing). */
function monthAgo(n: number): string {
  const d = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 1)).toISOString().slice(0, 7);
}

/** 三会一课落实情况: per branch and group, each rule's months or quarters — kept, missed or still open — and who missed what. */
export default function ComplianceTab() {
  const { t, locale } = useI18n();
  const orgs = useApi((signal) => api.get<{ items: Org[] }>(ORGS_API, undefined, signal), []);
  const tops = (orgs.data?.items ?? []).filter((o) => o.kind !== 'group');
  const [orgId, setOrgId] = useState<string | undefined>();
  const [from, setFrom] = useState(monthAgo(3));
  const [to, setTo] = useState(monthAgo(0));
  const chosen = orgId ?? tops[0]?.id;
  const data = useApi((signal) => (chosen ? api.get<Compliance>('/api/v1/party/compliance', { orgId: chosen, from, to }, signal) : Promise.resolve(undefined)), [chosen, from, to]);
  if (data.missing) return <NotEnabled path="/api/v1/party/compliance" />;
  if (!orgs.loading && tops.length === 0) return <Empty description={t('pty.noOrgs')} />;
  const c = data.data;
  // Columns: one per rule and period.
  const cols = c ? c.rules.flatMap((r) => [...new Set(c.units.flatMap((u) => u.periods.filter((p) => p.kind === r.kind).map((p) => p.period)))].map((period) => ({ rule: r, period }))) : [];
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="party-compliance">
      <Space wrap>
        <Select style={{ width: 220 }} value={chosen} onChange={setOrgId} options={tops.map((o) => ({ value: o.id, label: o.name }))} />
        <span>{t('pty.c.range')}</span>
        <Input type="month" value={from} onChange={(e) => e.target.value && setFrom(e.target.value)} style={{ width: 150 }} />
        <span>–</span>
        <Input type="month" value={to} onChange={(e) => e.target.value && setTo(e.target.value)} style={{ width: 150 }} />
      </Space>
      {data.error && <Alert type="error" showIcon title={data.error.message} />}
      {c && (
        <>
          <Typography.Text type="secondary">
            {c.rules.map((r) => t('pty.c.rule', { kind: r.kindLabel[locale], period: t(`pty.c.${r.period}`), n: r.minCount })).join('；')} · {t('pty.c.asOf', { at: formatDateTime(c.asOf) })}
          </Typography.Text>
          <Table
            size="small"
            rowKey="orgId"
            pagination={false}
            scroll={{ x: true }}
            dataSource={c.units}
            columns={[
              {
                title: t('pty.c.unit'),
                fixed: 'left',
                width: 170,
                render: (_, u) => (
                  <Space direction="vertical" size={0}>
                    <strong>{u.name}</strong>
                    {u.parentName && u.kind === 'group' && <Typography.Text type="secondary">{u.parentName}</Typography.Text>}
                    {u.missed > 0 && <Tag color="red">{t('pty.c.missedCount', { n: u.missed })}</Tag>}
                  </Space>
                ),
              },
              ...cols.map(({ rule, period }) => ({
                title: `${rule.kindLabel[locale]} ${period}`,
                key: `${rule.kind}-${period}`,
                width: 120,
                render: (_: unknown, u: Compliance['units'][number]) => {
                  const p = u.periods.find((x) => x.kind === rule.kind && x.period === period);
                  if (!p) return '';
                  return (
                    <span data-testid={`party-compliance-${u.name}-${rule.kind}-${period}`} data-status={p.status}>
                      <Tag color={COLORS[p.status]}>{t(`pty.c.${p.status}`)}</Tag>
                      <Typography.Text type="secondary">
                        {p.count}/{p.required}
                      </Typography.Text>
                    </span>
                  );
                },
              })),
            ]}
          />
          <Card size="small" title={t('pty.c.absences')}>
            {c.absences.length === 0 ? (
              <Typography.Text type="secondary">{t('pty.c.noAbsences')}</Typography.Text>
            ) : (
              <List
                size="small"
                dataSource={c.absences}
                renderItem={(a) => (
                  <List.Item>
                    <strong>{a.name}</strong>（{a.orgName}）：{a.meetings.map((m) => `${formatDateShort(m.startsAt)} ${m.title}`).join('；')}
                  </List.Item>
                )}
              />
            )}
          </Card>
        </>
      )}
    </Space>
  );
}
