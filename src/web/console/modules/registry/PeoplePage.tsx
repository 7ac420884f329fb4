import { useState } from 'react';
import { Alert, Flex, Input, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api } from '../../../shared/api.js';
import { formatDateShort } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

const PATH = '/api/v1/people';

/**
 * A person as GET /api/v1/people lists it (ZPersonListItem): numbers come masked, and
 * fields outside a department's mandate are absent, so every field is optional here.
 */
interface PersonRow {
  id: string;
  name?: string;
  gender?: string;
  birthDate?: string | null;
  age?: number | null;
  idNumber?: string | null;
  phone?: string | null;
  address?: string | null;
  residenceType?: string;
  status?: string;
}

const text = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));

export default function PeoplePage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('registry.menu') }]);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [q, setQ] = useState('');
  const people = useApi((signal) => api.get<{ items?: PersonRow[]; total?: number }>(PATH, { page, pageSize, q }, signal), [page, pageSize, q]);

  if (people.missing) return <NotEnabled path={PATH} />;

  const columns: ColumnsType<PersonRow> = [
    { title: t('registry.name'), dataIndex: 'name', render: text },
    { title: t('registry.gender'), dataIndex: 'gender', width: 70, render: text },
    { title: t('registry.birthDate'), dataIndex: 'birthDate', width: 120, render: (v: string | null) => formatDateShort(v) || '—' },
    { title: t('registry.age'), dataIndex: 'age', width: 70, render: text },
    { title: t('registry.idNumber'), dataIndex: 'idNumber', render: text },
    { title: t('registry.phone'), dataIndex: 'phone', render: text },
    { title: t('registry.address'), dataIndex: 'address', render: text },
    { title: t('registry.residenceType'), dataIndex: 'residenceType', width: 100, render: text },
    { title: t('registry.status'), dataIndex: 'status', width: 90, render: (v: string | undefined) => (v ? t(`registry.status.${v}`) : '—') },
  ];

  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('registry.title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('registry.masked')}</Typography.Text>
      <Input.Search
        allowClear
        enterButton={t('common.search')}
        placeholder={t('registry.keyword')}
        title={t('registry.keywordHint')}
        aria-label={t('registry.keyword')}
        style={{ maxWidth: 420 }}
        onSearch={(v) => {
          setQ(v.trim());
          setPage(1);
        }}
      />
      {people.error ? (
        <Alert type="error" showIcon title={people.error.message} />
      ) : (
        <Table<PersonRow>
          rowKey="id"
          size="middle"
          loading={people.loading}
          columns={columns}
          dataSource={people.data?.items ?? []}
          scroll={{ x: 1000 }}
          pagination={{
            current: page,
            pageSize,
            total: people.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p, s) => {
              setPage(s !== pageSize ? 1 : p);
              setPageSize(s);
            },
          }}
        />
      )}
    </Flex>
  );
}
