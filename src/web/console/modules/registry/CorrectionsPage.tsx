import { useState } from 'react';
import { useSearch } from 'wouter';
import { Alert, Button, Checkbox, Flex, Form, Input, Modal, Radio, Segmented, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import type { Correction, CorrectionStatus } from '../../../shared/registry.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { applyServerErrors, text } from './common.js';
import type { Paged } from './types.js';

const PATH = '/api/v1/corrections';
const STATUS_COLOURS: Record<CorrectionStatus, string> = { open: 'orange', done: 'green', rejected: 'default' };
/** Fields the server never applies by itself (corrections.service.ts): someone has to act. */
const MANUAL = new Set(['address', 'other']);

interface ResolveValues {
  status: 'done' | 'rejected';
  response: string;
  apply: boolean;
  value?: string;
}

function ResolveModal({ item, onClose, onDone }: { item: Correction; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<ResolveValues>();
  const status = Form.useWatch('status', form);
  const apply = Form.useWatch('apply', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: ResolveValues) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${PATH}/${encodeURIComponent(item.id)}/resolve`, {
        status: v.status,
        response: v.response.trim(),
        ...(v.status === 'done' ? { apply: v.apply, value: v.apply && v.value?.trim() ? v.value.trim() : undefined } : {}),
      });
      onDone();
    } catch (e) {
      setError(applyServerErrors(form, e, ['status', 'response', 'apply', 'value']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('reg.corr.resolveTitle', { name: item.personName ?? '', field: item.fieldLabel })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {t('reg.corr.value')}：<strong>{text(item.requestedValue)}</strong>
        {item.note ? `（${item.note}）` : ''}
      </Typography.Paragraph>
      <Form<ResolveValues> form={form} layout="vertical" initialValues={{ status: 'done', apply: !MANUAL.has(item.field), response: '' }} onFinish={(v) => void submit(v)}>
        <Form.Item name="status" label={t('reg.corr.outcome')}>
          <Radio.Group
            options={[
              { value: 'done', label: t('reg.corr.done') },
              { value: 'rejected', label: t('reg.corr.rejected') },
            ]}
          />
        </Form.Item>
        {status === 'done' && !MANUAL.has(item.field) && (
          <>
            <Form.Item name="apply" valuePropName="checked">
              <Checkbox>{t('reg.corr.apply')}</Checkbox>
            </Form.Item>
            {apply && (
              <Form.Item name="value" label={t('reg.corr.applyValue')}>
                <Input maxLength={200} />
              </Form.Item>
            )}
          </>
        )}
        <Form.Item name="response" label={t('reg.corr.response')} extra={t('reg.corr.responseHint')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('reg.corr.response') }) }]}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
}

export default function CorrectionsPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('reg.menu.corrections') }]);
  // The notification to the grid worker links here with ?id=…: that request is highlighted.
  const highlight = new URLSearchParams(useSearch()).get('id');
  const [status, setStatus] = useState<CorrectionStatus | 'all'>('all');
  const [page, setPage] = useState(1);
  const [handling, setHandling] = useState<Correction | null>(null);
  const list = useApi((signal) => api.get<Paged<Correction>>(PATH, { status: status === 'all' ? undefined : status, page, pageSize: 20 }, signal), [status, page]);
  if (list.missing) return <NotEnabled path={PATH} />;

  const columns: ColumnsType<Correction> = [
    { title: t('reg.corr.person'), dataIndex: 'personName', render: text },
    { title: t('reg.corr.field'), dataIndex: 'fieldLabel' },
    { title: t('reg.corr.value'), dataIndex: 'requestedValue', render: text },
    { title: t('reg.corr.note'), dataIndex: 'note', render: text },
    { title: t('person.status'), dataIndex: 'status', width: 90, render: (v: CorrectionStatus) => <Tag color={STATUS_COLOURS[v]}>{t(`correction.status.${v}`)}</Tag> },
    { title: t('reg.corr.filed'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('reg.corr.response'), dataIndex: 'response', render: text },
    { title: t('reg.corr.handled'), dataIndex: 'handledAt', width: 150, render: (v: string | null) => formatDateTime(v) || '—' },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 80,
      render: (_: unknown, c) =>
        c.status === 'open' ? (
          <Button size="small" type="primary" ghost onClick={() => setHandling(c)}>
            {t('reg.corr.resolve')}
          </Button>
        ) : null,
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('reg.corr.title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('reg.corr.hint')}</Typography.Text>
      <Segmented
        value={status}
        onChange={(v) => {
          setStatus(v as CorrectionStatus | 'all');
          setPage(1);
        }}
        options={[
          { value: 'all', label: t('reg.all') },
          ...(['open', 'done', 'rejected'] as const).map((s) => ({ value: s, label: t(`correction.status.${s}`) })),
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      {list.error ? (
        <Alert type="error" showIcon title={list.error.message} />
      ) : (
        <Table<Correction>
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={list.data?.items ?? []}
          rowClassName={(c) => (c.id === highlight ? 'ant-table-row-selected' : '')}
          data-testid="correction-table"
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
        />
      )}
      {handling && (
        <ResolveModal
          item={handling}
          onClose={() => setHandling(null)}
          onDone={() => {
            setHandling(null);
            list.reload();
          }}
        />
      )}
    </Flex>
  );
}
