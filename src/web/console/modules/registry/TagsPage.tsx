import { useState } from 'react';
import { useLocation } from 'wouter';
import { Alert, Button, Card, Checkbox, Flex, Form, Input, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { applyServerErrors, OrgNodeSelect, tagDefinitions, text } from './common.js';
import type { TagDefinition, TagList } from './types.js';

const PATH = '/api/v1/tags';

interface DefineValues {
  code: string;
  category: string;
  description?: string;
  sensitive: boolean;
}

function DefineTag({ onDefined }: { onDefined: (code: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<DefineValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (v: DefineValues) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const created = await api.post<TagDefinition>(PATH, { code: v.code.trim(), category: v.category.trim(), description: v.description?.trim() || undefined, sensitive: v.sensitive });
      form.resetFields();
      setDone(t('reg.tags.defined', { code: created.code }));
      onDefined(created.code);
    } catch (e) {
      setError(applyServerErrors(form, e, ['code', 'category', 'description', 'sensitive']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('reg.tags.define')} size="small">
      <Form<DefineValues> form={form} layout="inline" initialValues={{ sensitive: true }} onFinish={(v) => void submit(v)} style={{ rowGap: 8 }}>
        <Form.Item name="code" label={t('reg.tags.code')} rules={[{ required: true, message: t('common.required', { field: t('reg.tags.code') }) }]}>
          <Input maxLength={20} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="category" label={t('reg.tags.category')} rules={[{ required: true, message: t('common.required', { field: t('reg.tags.category') }) }]}>
          <Input maxLength={20} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="description" label={t('reg.tags.description')}>
          <Input maxLength={200} style={{ width: 260 }} />
        </Form.Item>
        <Form.Item name="sensitive" valuePropName="checked">
          <Checkbox>{t('reg.tags.sensitive')}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('reg.tags.define')}
        </Button>
      </Form>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} />}
      {done && <Alert type="success" showIcon title={done} style={{ marginTop: 8 }} />}
    </Card>
  );
}

export default function TagsPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('reg.menu.tags') }]);
  const [orgNodeId, setOrgNodeId] = useState<string | undefined>(undefined);
  const tags = useApi((signal) => api.get<TagList>(PATH, { orgNodeId }, signal), [orgNodeId]);
  if (tags.missing) return <NotEnabled path={PATH} />;

  const columns: ColumnsType<TagDefinition> = [
    { title: t('reg.tags.code'), dataIndex: 'code', render: (v: string, d) => <Tag color={d.derived ? 'cyan' : 'geekblue'}>{v}</Tag> },
    { title: t('reg.tags.category'), dataIndex: 'category', width: 110 },
    { title: t('reg.tags.description'), dataIndex: 'description', render: text },
    { title: t('reg.tags.rule'), dataIndex: 'rule', render: (v: string | null, d) => (d.derived ? `${t('reg.tags.derived')}：${v ?? ''}` : '—') },
    { title: t('reg.tags.sensitive'), dataIndex: 'sensitive', width: 70, render: (v: boolean) => (v ? t('reg.yes') : t('reg.no')) },
    {
      title: t('reg.tags.count'),
      dataIndex: 'count',
      width: 120,
      render: (v: number | null, d) =>
        v === null ? (
          '—'
        ) : (
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => navigate(`/people?tag=${encodeURIComponent(d.code)}`)} title={t('reg.tags.listPeople')}>
            {v}
          </Button>
        ),
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('reg.tags.title')}
      </Typography.Title>
      <OrgNodeSelect value={orgNodeId} onChange={setOrgNodeId} style={{ width: 280 }} />
      {tags.error ? <Alert type="error" showIcon title={tags.error.message} /> : <Table<TagDefinition> rowKey="code" size="middle" loading={tags.loading} columns={columns} dataSource={tags.data?.items ?? []} pagination={false} data-testid="tag-table" />}
      {tags.data?.abilities.define && (
        <DefineTag
          onDefined={() => {
            tagDefinitions.clear();
            tags.reload();
          }}
        />
      )}
    </Flex>
  );
}
