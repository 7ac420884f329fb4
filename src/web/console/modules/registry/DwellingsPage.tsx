import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Drawer, Flex, Form, Input, InputNumber, Segmented, Select, Spin, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api } from '../../../shared/api.js';
import { formatDateShort, formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { applyServerErrors, OrgNodeSelect, plainOptions, text, valueText } from './common.js';
import type { DwellingDetail, DwellingListItem, Paged } from './types.js';

const PATH = '/api/v1/dwellings';
const USES = ['自住', '出租', '空置', '商用'] as const;

interface EditValues {
  use?: string;
  areaM2?: number | null;
  rentalStart?: string;
  rentalEnd?: string;
  rentalNote?: string;
}

function DwellingDrawer({ id, canWrite, onClose, onChanged }: { id: string; canWrite: boolean; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const d = useApi((signal) => api.get<DwellingDetail>(`${PATH}/${encodeURIComponent(id)}`, undefined, signal), [id, version]);
  const [form] = Form.useForm<EditValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const save = async (v: EditValues) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    const orNull = (s?: string) => (s && s.trim() ? s.trim() : null);
    try {
      await api.patch(`${PATH}/${encodeURIComponent(id)}`, {
        use: v.use || undefined,
        areaM2: v.areaM2 ?? null,
        rentalStart: orNull(v.rentalStart),
        rentalEnd: orNull(v.rentalEnd),
        rentalNote: orNull(v.rentalNote),
      });
      setSaved(true);
      setVersion((x) => x + 1);
      onChanged();
    } catch (e) {
      setError(applyServerErrors(form, e, ['use', 'areaM2', 'rentalStart', 'rentalEnd', 'rentalNote']));
    } finally {
      setBusy(false);
    }
  };

  const x = d.data;
  return (
    <Drawer open size={820} onClose={onClose} destroyOnHidden title={x ? x.address : t('reg.dwellings.title')}>
      {d.error ? (
        <Alert type="error" showIcon title={d.error.message} />
      ) : !x ? (
        <Spin />
      ) : (
        <Flex vertical gap={16}>
          <Descriptions
            size="small"
            bordered
            column={2}
            items={[
              { key: 'use', label: t('reg.dwellings.use'), children: x.use ? valueText(x.use) : t('reg.dwellings.unknownUse') },
              { key: 'area', label: t('reg.dwellings.area'), children: text(x.areaM2) },
              { key: 'rental', label: t('reg.dwellings.rental'), children: x.rentalStart || x.rentalEnd ? `${formatDateShort(x.rentalStart) || '…'} ~ ${formatDateShort(x.rentalEnd) || '…'}` : '—' },
              { key: 'note', label: t('reg.dwellings.rentalNote'), children: text(x.rentalNote) },
              { key: 'updated', label: t('reg.time'), children: formatDateTime(x.updatedAt) || '—' },
            ]}
          />
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('reg.dwellings.occupants')}
          </Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={x.occupants}
            columns={[
              { title: t('person.name'), dataIndex: 'name' },
              { title: t('person.gender'), dataIndex: 'gender', width: 60, render: valueText },
              { title: t('person.age'), dataIndex: 'age', width: 60, render: text },
              { title: t('person.idNumber'), dataIndex: 'idNumber', render: text },
              { title: t('person.phone'), dataIndex: 'phone', render: text },
              { title: t('person.residenceType'), dataIndex: 'residenceType', render: valueText },
            ]}
          />
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('reg.dwellings.links')}
          </Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={x.links}
            columns={[
              { title: t('person.name'), dataIndex: 'name' },
              { title: t('reg.link.relation'), dataIndex: 'relation', render: (v: string) => t(`reg.link.relation.${v}`) },
              { title: t('reg.link.from'), dataIndex: 'fromDate', render: (v: string | null) => formatDateShort(v) || '—' },
            ]}
          />
          {x.households.length > 0 && (
            <Typography.Text>
              {t('reg.dwellings.households')}：{x.households.map((h) => h.number).join('、')}
            </Typography.Text>
          )}
          {canWrite && (
            <Card size="small" title={t('reg.dwellings.editTitle')}>
              <Form<EditValues>
                form={form}
                layout="vertical"
                initialValues={{ use: x.use ?? undefined, areaM2: x.areaM2, rentalStart: x.rentalStart ?? '', rentalEnd: x.rentalEnd ?? '', rentalNote: x.rentalNote ?? '' }}
                onFinish={(v) => void save(v)}
                onValuesChange={() => setSaved(false)}
                data-testid="dwelling-form"
              >
                <Flex gap={12} wrap>
                  <Form.Item name="use" label={t('reg.dwellings.use')}>
                    <Select style={{ width: 120 }} options={plainOptions(USES)} />
                  </Form.Item>
                  <Form.Item name="areaM2" label={t('reg.dwellings.area')}>
                    <InputNumber min={0} max={100000} style={{ width: 120 }} />
                  </Form.Item>
                  <Form.Item name="rentalStart" label={t('reg.dwellings.rentalStart')}>
                    <Input placeholder={t('reg.person.datePlaceholder')} style={{ width: 190 }} />
                  </Form.Item>
                  <Form.Item name="rentalEnd" label={t('reg.dwellings.rentalEnd')}>
                    <Input placeholder={t('reg.person.datePlaceholder')} style={{ width: 190 }} />
                  </Form.Item>
                </Flex>
                <Form.Item name="rentalNote" label={t('reg.dwellings.rentalNote')}>
                  <Input.TextArea rows={2} maxLength={500} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy}>
                  {t('reg.save')}
                </Button>
              </Form>
              {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} />}
              {saved && <Alert type="success" showIcon title={t('reg.saved')} style={{ marginTop: 8 }} />}
            </Card>
          )}
        </Flex>
      )}
    </Drawer>
  );
}

export default function DwellingsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('reg.menu.dwellings') }]);
  const session = useSession();
  const canWrite = hasRole(session.status === 'ready' ? session.me : null, 'community_staff', 'grid_worker');
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const [use, setUse] = useState<string>('all');
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useApi((signal) => api.get<Paged<DwellingListItem>>(PATH, { orgNodeId, use: use === 'all' ? undefined : use, page, pageSize: 20 }, signal), [orgNodeId, use, page]);
  if (list.missing) return <NotEnabled path={PATH} />;
  const columns: ColumnsType<DwellingListItem> = [
    {
      title: t('person.address'),
      dataIndex: 'address',
      render: (v: string, d) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setOpenId(d.id)}>
          {v}
        </Button>
      ),
    },
    { title: t('reg.dwellings.use'), dataIndex: 'use', width: 90, render: (v: string | null) => (v ? valueText(v) : t('reg.dwellings.unknownUse')) },
    { title: t('reg.dwellings.area'), dataIndex: 'areaM2', width: 100, render: text },
    { title: t('reg.dwellings.occupants'), dataIndex: 'occupants', width: 80 },
    { title: t('reg.dwellings.rental'), key: 'rental', render: (_: unknown, d) => (d.rentalStart || d.rentalEnd ? `${formatDateShort(d.rentalStart) || '…'} ~ ${formatDateShort(d.rentalEnd) || '…'}` : '—') },
    { title: t('reg.dwellings.rentalNote'), dataIndex: 'rentalNote', ellipsis: true, render: text },
  ];
  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('reg.dwellings.title')}
      </Typography.Title>
      <Flex gap={12} wrap align="center">
        <OrgNodeSelect
          value={orgNodeId}
          onChange={(v) => {
            setOrgNodeId(v);
            setPage(1);
          }}
          deepest="unit"
          placeholder={t('reg.placePlaceholder')}
          style={{ width: 280 }}
        />
        <Segmented
          value={use}
          onChange={(v) => {
            setUse(String(v));
            setPage(1);
          }}
          options={[{ value: 'all', label: t('reg.all') }, ...plainOptions(USES)]}
          data-testid="dwelling-use"
        />
      </Flex>
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table<DwellingListItem>
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          data-testid="dwelling-table"
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
        />
      )}
      {openId && <DwellingDrawer id={openId} canWrite={canWrite} onClose={() => setOpenId(null)} onChanged={list.reload} />}
    </Flex>
  );
}
