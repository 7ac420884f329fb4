import { useMemo } from 'react';
import { Link, Redirect, useLocation, useParams } from 'wouter';
import { Alert, Button, Empty, Flex, Space, Spin, Typography } from 'antd';
import { api } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { CHILD_KIND, type OrgGeoJson, type OrgNodeKind } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { GridMap, type MapFeature } from '../../components/GridMap.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { ancestorCrumbs, fetchChildren, fetchNode } from './org-data.js';

/** Kinds whose children carry map data worth drilling into (grids as polygons, buildings as points). */
const DRILL_ON_MAP = new Set<OrgNodeKind>(['city', 'district', 'street', 'community', 'grid']);
/** Counting children costs one request per feature; beyond this the map stays uncoloured. */
const MAX_COUNTED = 60;

function Roots() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  useBreadcrumbs([{ title: t('org.mapMenu') }]);
  const roots = useApi((signal) => fetchChildren({}, signal), []);
  if (roots.loading) return <Spin />;
  if (roots.error) return <Alert type="error" showIcon title={roots.error.message} />;
  const items = roots.data?.items ?? [];
  if (items.length === 1) return <Redirect to={`/map/${items[0]!.id}`} replace />;
  if (items.length === 0) return <Empty description={t('common.empty')} />;
  return (
    <>
      <Typography.Title level={4}>{t('org.chooseArea')}</Typography.Title>
      <Space wrap>
        {items.map((n) => (
          <Button key={n.id} onClick={() => navigate(`/map/${n.id}`)}>
            {n.name}
          </Button>
        ))}
      </Space>
    </>
  );
}

function NodeMap({ id }: { id: string }) {
  const { t } = useI18n();
  const session = useSession();
  const me = session.status === 'ready' ? session.me : null;
  const [, navigate] = useLocation();
  const node = useApi((signal) => fetchNode(id, signal), [id]);
  const geo = useApi((signal) => api.get<OrgGeoJson>(`/api/v1/org/nodes/${encodeURIComponent(id)}/geojson`, undefined, signal), [id]);
  useBreadcrumbs([{ title: t('org.mapMenu'), href: '/map' }, ...(node.data ? ancestorCrumbs(node.data, me, '/map') : [])]);

  const features = useMemo<(MapFeature & { kind: OrgNodeKind })[]>(
    () =>
      (geo.data?.features ?? [])
        .filter((f) => f.geometry)
        .map((f) => ({ id: f.properties.id, name: f.properties.name, kind: f.properties.kind, kindLabel: t(`kind.${f.properties.kind}`), geometry: f.geometry! })),
    [geo.data, t],
  );
  const featureKind = features[0]?.kind;

  // How many children each feature has (buildings per grid, units per building), for colouring.
  const counts = useApi(
    async (signal) => {
      if (features.length === 0 || features.length > MAX_COUNTED) return {};
      const entries = await Promise.all(features.map(async (f) => [f.id, (await fetchChildren({ parentId: f.id, pageSize: 1 }, signal)).total] as const));
      return Object.fromEntries(entries) as Record<string, number>;
    },
    [features],
  );

  if (node.error || geo.error) return <Alert type="error" showIcon title={(node.error ?? geo.error)!.message} />;
  if (!node.data || !geo.data) return <Spin />;

  const onFeatureClick = (f: MapFeature) => {
    const kind = (f as MapFeature & { kind: OrgNodeKind }).kind;
    navigate(DRILL_ON_MAP.has(kind) ? `/map/${f.id}` : `/org/${f.id}`);
  };

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('org.mapTitle', { name: node.data.name })}
        </Typography.Title>
        <Link href={`/org/${id}`}>{t('org.viewTree')}</Link>
      </Flex>
      <Typography.Text type="secondary">{t('org.mapHint')}</Typography.Text>
      <GridMap
        title={t('org.mapTitle', { name: node.data.name })}
        features={features}
        values={counts.data}
        valueLabel={featureKind && CHILD_KIND[featureKind] ? t(`org.count.${featureKind}`) : undefined}
        onFeatureClick={onFeatureClick}
        emptyText={t('org.mapEmpty')}
      />
    </Flex>
  );
}

export default function MapPage() {
  const { id } = useParams<{ id?: string }>();
  return id ? <NodeMap id={id} /> : <Roots />;
}
