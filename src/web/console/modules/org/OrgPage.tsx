import { useMemo, useState } from 'react';
import { Link, Redirect, useLocation, useParams } from 'wouter';
import { Alert, Button, Descriptions, Empty, Flex, Input, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { CHILD_KIND, ORG_NODE_KINDS, type OrgNode } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { ancestorCrumbs, fetchChildren, fetchNode } from './org-data.js';

const MAP_KINDS = new Set(['city', 'district', 'street', 'community', 'grid']);

function useColumns(onOpen: (n: OrgNode) => void): ColumnsType<OrgNode> {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const onMap = (n: OrgNode) => navigate(`/map/${n.id}`);
  return [
    {
      title: t('common.name'),
      dataIndex: 'name',
      render: (name: string, n) => (CHILD_KIND[n.kind] ? <Link href={`/org/${n.id}`}>{name}</Link> : name),
    },
    { title: t('common.kind'), dataIndex: 'kind', width: 110, render: (k: string) => <Tag>{t(`kind.${k}`)}</Tag> },
    { title: t('common.code'), dataIndex: 'code', render: (c: string | null) => c ?? '—' },
    {
      title: t('org.geometry'),
      dataIndex: 'geometry',
      width: 100,
      render: (g: OrgNode['geometry']) => (g ? `✓ ${t('org.hasGeometry')}` : `— ${t('org.noGeometry')}`),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 180,
      render: (_: unknown, n) => (
        <Space onClick={(e) => e.stopPropagation()}>
          {CHILD_KIND[n.kind] && (
            <Button size="small" type="link" onClick={() => onOpen(n)}>
              {t('org.drill')}
            </Button>
          )}
          {MAP_KINDS.has(n.kind) && (
            <Button size="small" type="link" onClick={() => onMap(n)}>
              {t('org.onMap')}
            </Button>
          )}
        </Space>
      ),
    },
  ];
}

function Roots() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('org.menu') }]);
  const roots = useApi((signal) => fetchChildren({}, signal), []);
  const columns = useColumns((n) => navigate(`/org/${n.id}`));
  if (roots.loading) return <Spin />;
  if (roots.error) return <Alert type="error" showIcon title={roots.error.message} />;
  const items = roots.data?.items ?? [];
  // Most people hold one area: go straight into it.
  if (items.length === 1) return <Redirect to={`/org/${items[0]!.id}`} replace />;
  if (items.length === 0) return <Empty description={t('common.empty')} />;
  return (
    <>
      <Typography.Title level={4}>{t('org.roots')}</Typography.Title>
      <Table<OrgNode> rowKey="id" columns={columns} dataSource={items} pagination={false} onRow={(n) => ({ onClick: () => navigate(`/org/${n.id}`), style: { cursor: 'pointer' } })} />
    </>
  );
}

function NodeView({ id }: { id: string }) {
  const { t } = useI18n();
  const session = useSession();
  const me = session.status === 'ready' ? session.me : null;
  const [, navigate] = useLocation();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [kind, setKind] = useState<string | undefined>(undefined);
  const [nameFilter, setNameFilter] = useState('');
  const [lastId, setLastId] = useState(id);
  if (lastId !== id) {
    // A new node: start again at its first page with no filters.
    setLastId(id);
    setPage(1);
    setKind(undefined);
    setNameFilter('');
  }

  const node = useApi((signal) => fetchNode(id, signal), [id]);
  const children = useApi((signal) => fetchChildren({ parentId: id, page, pageSize, kind }, signal), [id, page, pageSize, kind]);
  const crumbs = node.data ? ancestorCrumbs(node.data, me, '/org') : [];
  useBreadcrumbs([{ title: t('org.menu'), href: '/org' }, ...crumbs]);

  const open = (n: OrgNode) => {
    if (CHILD_KIND[n.kind]) navigate(`/org/${n.id}`);
  };
  const columns = useColumns(open);
  const rows = useMemo(() => {
    const items = children.data?.items ?? [];
    const q = nameFilter.trim();
    return q ? items.filter((n) => n.name.includes(q) || (n.code ?? '').includes(q)) : items;
  }, [children.data, nameFilter]);

  if (node.error) return <Alert type="error" showIcon title={node.error.message} />;
  if (!node.data) return <Spin />;
  const n = node.data;

  return (
    <Flex vertical gap={16}>
      <Descriptions
        title={
          <Space>
            {n.name}
            <Tag color="blue">{t(`kind.${n.kind}`)}</Tag>
          </Space>
        }
        size="small"
        column={{ xs: 1, md: 3 }}
        extra={
          MAP_KINDS.has(n.kind) && (
            <Button onClick={() => navigate(`/map/${n.id}`)} data-testid="org-view-map">
              {t('org.viewMap')}
            </Button>
          )
        }
        items={[
          { key: 'code', label: t('common.code'), children: n.code ?? '—' },
          { key: 'kind', label: t('common.kind'), children: t(`kind.${n.kind}`) },
          { key: 'count', label: t('org.childCount'), children: children.data?.total ?? '…' },
        ]}
      />
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('org.childrenOf', { name: n.name })}
      </Typography.Title>
      <Space wrap>
        <Select
          allowClear
          placeholder={t('org.filterKind')}
          style={{ width: 160 }}
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          options={ORG_NODE_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
          aria-label={t('org.filterKind')}
          data-testid="org-filter-kind"
        />
        <Input.Search allowClear placeholder={t('org.filterName')} aria-label={t('org.filterName')} style={{ width: 240 }} value={nameFilter} onChange={(e) => setNameFilter(e.target.value)} data-testid="org-filter-name" />
      </Space>
      {children.error ? (
        <Alert type="error" showIcon title={children.error.message} />
      ) : (
        <Table<OrgNode>
          rowKey="id"
          size="middle"
          loading={children.loading}
          columns={columns}
          dataSource={rows}
          data-testid="org-table"
          onRow={(r) => ({ onClick: () => open(r), style: { cursor: CHILD_KIND[r.kind] ? 'pointer' : 'default' } })}
          pagination={{
            current: page,
            pageSize,
            total: children.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
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

export default function OrgPage() {
  const { id } = useParams<{ id?: string }>();
  return id ? <NodeView id={id} /> : <Roots />;
}
