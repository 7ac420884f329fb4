import { useState } from 'react';
import { Alert, Button, Input, Segmented, Space, Table, Tag, Typography } from 'antd';
import { api, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect } from '../registry/common.js';
import type { Observation } from './types.js';

const API = '/api/v1/volunteer-observations';

function Handle({ o, onDone }: { o: Observation; onDone: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [grid, setGrid] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{o.description}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} />}
      <Space wrap>
        <Input value={code} onChange={(e) => setCode(e.target.value)} placeholder={t('cvo.obs.category')} style={{ width: 200 }} />
        <OrgNodeSelect value={grid} onChange={setGrid} selectable={['community', 'grid']} placeholder={t('cvo.obs.grid')} />
        <Button type="primary" disabled={!code.trim()} onClick={() => void act(() => api.post(`${API}/${o.id}/event`, { categoryCode: code.trim(), orgNodeId: grid }))}>
          {t('cvo.obs.forward')}
        </Button>
      </Space>
      <Space wrap>
        <Input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('cvo.obs.dismissReason')} style={{ width: 260 }} />
        <Button danger disabled={reason.trim().length < 2} onClick={() => void act(() => api.post(`${API}/${o.id}/dismiss`, { reason: reason.trim() }))}>
          {t('cvo.obs.dismiss')}
        </Button>
      </Space>
    </Space>
  );
}

/** 监督记录: what supervision teams filed in the area; staff turn one into a grid event (once) or close it with a reason. */
export default function ObservationsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('cvo.crumb') }, { title: t('cvo.menu.observations') }]);
  const [status, setStatus] = useState<'filed' | 'forwarded' | 'dismissed' | 'all'>('filed');
  const list = useApi((signal) => api.get<{ items: Observation[] }>(API, { status: status === 'all' ? undefined : status, pageSize: 100 }, signal), [status]);
  if (list.missing) return <NotEnabled path={API} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('cvo.menu.observations')}
      </Typography.Title>
      <Segmented value={status} onChange={(v) => setStatus(v as typeof status)} options={[...(['filed', 'forwarded', 'dismissed'] as const).map((s) => ({ value: s, label: t(`cvo.obs.status.${s}`) })), { value: 'all', label: '∗' }]} />
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        expandable={{ expandedRowRender: (o: Observation) => (o.status === 'filed' ? <Handle o={o} onDone={list.reload} /> : <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{o.description}</Typography.Paragraph>) }}
        columns={[
          { title: t('cvo.opp.title'), dataIndex: 'title' },
          { title: t('cvo.obs.team'), dataIndex: 'teamName', width: 200 },
          { title: t('cvo.obs.by'), dataIndex: 'volunteerName', width: 100 },
          { title: t('cvo.opp.place'), dataIndex: 'address', width: 180 },
          { title: t('cvo.obs.when'), width: 170, render: (_, o: Observation) => formatDateTime(o.createdAt) },
          { title: t('cvo.status'), width: 200, render: (_, o: Observation) => <Tag color={o.status === 'filed' ? 'orange' : o.status === 'forwarded' ? 'green' : 'default'}>{o.status === 'forwarded' ? `${t('cvo.obs.status.forwarded')} ${o.eventCode ?? ''}` : o.status === 'dismissed' ? `${t('cvo.obs.status.dismissed')}：${o.dismissReason ?? ''}` : t('cvo.obs.status.filed')}</Tag> },
        ]}
      />
    </Space>
  );
}
