import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useParams, useSearch } from 'wouter';
import { Alert, Breadcrumb, Button, Card, Col, ConfigProvider, Flex, Progress, Row, Select, Spin, Table, Typography, theme } from 'antd';
import { api } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n, type Locale } from '../../../shared/i18n.js';
import type { OrgGeoJson, OrgNodeKind } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import { GridMap, type MapFeature } from '../../components/GridMap.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { ChartCard } from './ChartCard.js';
import './cockpit.css';

/** Shapes of src/modules/cockpit/cockpit.schema.ts (GET /api/v1/cockpit/…). */
interface NodeRef {
  id: string;
  name: string;
  kind: OrgNodeKind;
}
interface Overview {
  node: NodeRef & { path: string };
  trail: NodeRef[];
  children: NodeRef[];
  asOf: string | null;
  population: {
    residents: number;
    households: number;
    dwellings: number;
    pyramid: { band: string; male: number; female: number }[];
    residence: { type: string; count: number }[];
    groups: { tag: string; count: number }[];
  };
  months: string[];
  events: { reported: number[]; closed: number[]; onTimeRate: (number | null)[]; satisfaction: (number | null)[] };
  applications: { submitted: number[]; completed: number[] };
  volunteerHours: number[];
  fund: { balanceFen: number } | null;
  satisfaction: { rate: number | null; rated: number };
}
interface MapData {
  node: NodeRef;
  indicator: string;
  items: (NodeRef & { value: number | null })[];
}
type Text = Record<Locale, string>;
interface Indicators {
  items: { key: string; label: Text; unit: Text }[];
  /** The server's MAP_TILE_URL, when it sends one: raster tiles under the map. */
  mapTileUrl?: string | null;
}

const BASE = '/api/v1/cockpit';
const WALL_THEME = { algorithm: theme.darkAlgorithm, token: { fontSize: 18 } };
/** Indicators that are ratios (0–1): shown as percentages. */
const RATES = new Set(['onTimeRate', 'satisfaction']);

const fmtInt = (n: number) => new Intl.NumberFormat('zh-CN').format(n);
const fmtPct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);
/** Money is kept in fen; shown in yuan like ¥12,345.67. */
export const fmtYuan = (fen: number) =>
  `${fen < 0 ? '-' : ''}¥${new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Math.abs(fen) / 100)}`;
const round1 = (n: number) => Math.round(n * 10) / 10;
/** 实有人口（人）, Residents (people); a label that already ends in brackets keeps them alone. */
function labelWithUnit(label: string, unit: string, locale: Locale): string {
  if (!unit || /[)）]$/.test(label)) return unit === '%' ? `${label} %` : label;
  return locale === 'en' ? `${label} (${unit})` : `${label}（${unit}）`;
}

/** 西山社区第一网格 on 西山社区's map is 第一网格: the parent's name only crowds the labels. */
function shortName(name: string, parent: string): string {
  return name.startsWith(parent) && name.length > parent.length ? name.slice(parent.length) : name;
}

function Figure({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId: string }) {
  return (
    <Card size="small" className="ck-card ck-figure" data-testid={testId}>
      <div className="ck-figure-label">{label}</div>
      <div className="ck-figure-value" data-testid={`${testId}-value`}>
        {value}
      </div>
      {sub && <div className="ck-figure-sub">{sub}</div>}
    </Card>
  );
}

/** The map of the node's children coloured by an indicator, or a grid's buildings. */
function AreaMap({ overview, indicators, indicator, onIndicator, onDrill, wall }: { overview: Overview; indicators: Indicators | undefined; indicator: string; onIndicator: (k: string) => void; onDrill: (id: string) => void; wall: boolean }) {
  const { t, locale } = useI18n();
  const [, navigate] = useLocation();
  const node = overview.node;
  const isGrid = node.kind === 'grid';
  const geo = useApi((signal) => api.get<OrgGeoJson>(`/api/v1/org/nodes/${encodeURIComponent(node.id)}/geojson`, undefined, signal), [node.id]);
  const map = useApi((signal) => (isGrid ? Promise.resolve(null) : api.get<MapData>(`${BASE}/map`, { nodeId: node.id, indicator }, signal)), [node.id, indicator, isGrid]);
  const def = indicators?.items.find((i) => i.key === indicator);
  const valueLabel = def ? labelWithUnit(def.label[locale], RATES.has(indicator) ? '%' : def.unit[locale], locale) : undefined;
  const shown = (v: number) => (RATES.has(indicator) ? round1(v * 100) : round1(v));

  const drillable = useMemo(() => new Set(overview.children.map((c) => c.id)), [overview.children]);
  const features = useMemo<MapFeature[]>(
    () =>
      (geo.data?.features ?? [])
        .filter((f) => f.geometry && (isGrid || drillable.has(f.properties.id)))
        .map((f) => ({ id: f.properties.id, name: shortName(f.properties.name, node.name), kindLabel: t(`kind.${f.properties.kind}`), geometry: f.geometry! })),
    [geo.data, drillable, isGrid, node.name, t],
  );
  const values = useMemo(() => {
    const out: Record<string, number> = {};
    for (const it of map.data?.items ?? []) if (it.value !== null) out[it.id] = shown(it.value);
    return out;
    // `shown` depends on the indicator only, which the data already follows.
  }, [map.data]);

  const title = isGrid ? t('ck.buildings', { name: node.name }) : t('ck.map', { name: node.name });
  return (
    <Card
      size="small"
      className="ck-card"
      title={title}
      data-testid="ck-map"
      extra={
        !isGrid && (
          <Select
            value={indicator}
            onChange={onIndicator}
            style={{ minWidth: 180 }}
            aria-label={t('ck.indicator')}
            data-testid="ck-indicator"
            options={(indicators?.items ?? []).map((i) => ({ value: i.key, label: i.label[locale] }))}
          />
        )
      }
    >
      {geo.error && geo.error.status !== 403 && <Alert type="error" showIcon title={geo.error.message} />}
      {map.error && <Alert type="error" showIcon title={map.error.message} />}
      {!isGrid && <Typography.Text type="secondary">{t('ck.mapHint')}</Typography.Text>}
      {geo.loading ? (
        <Spin />
      ) : (
        <GridMap
          title={title}
          features={features}
          values={isGrid || map.loading ? undefined : values}
          valueLabel={valueLabel}
          onFeatureClick={(f) => (isGrid ? navigate(`/org/${f.id}`) : onDrill(f.id))}
          emptyText={t('ck.mapEmpty')}
          tileUrl={indicators?.mapTileUrl ?? undefined}
          height={wall ? 600 : 520}
        />
      )}
      {indicators?.mapTileUrl && <Typography.Text type="secondary">{t('ck.tilesNote')}</Typography.Text>}
      {!isGrid && map.data && (
        // The same numbers as words: a ranking that also drills down, for keyboards and areas without a boundary.
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          style={{ marginTop: 8 }}
          data-testid="ck-map-table"
          dataSource={[...map.data.items].sort((a, b) => (b.value ?? -1) - (a.value ?? -1))}
          columns={[
            { title: t(`kind.${map.data.items[0]?.kind ?? 'grid'}`), dataIndex: 'name', render: (v: string, r) => <Typography.Link onClick={() => onDrill(r.id)}>{v}</Typography.Link> },
            { title: valueLabel, dataIndex: 'value', align: 'right', render: (v: number | null) => (v === null ? t('ck.noValue') : String(shown(v))) },
          ]}
        />
      )}
    </Card>
  );
}

function Dashboard({ overview, indicators, indicator, onIndicator, wall, onDrill }: { overview: Overview; indicators: Indicators | undefined; indicator: string; onIndicator: (k: string) => void; wall: boolean; onDrill: (id: string) => void }) {
  const { t } = useI18n();
  const p = overview.population;
  const months = overview.months;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  const pyramidTable = { head: [t('ck.band'), t('ck.male'), t('ck.female')], rows: p.pyramid.map((b) => [b.band, b.male, b.female]) };
  const residenceTable = { head: [t('ck.residenceType'), t('ck.count')], rows: p.residence.map((r) => [r.type, r.count]) };
  const groupsTable = { head: [t('ck.group'), t('ck.count')], rows: p.groups.map((g) => [g.tag, g.count]) };
  const eventsTable = {
    head: [t('ck.month'), t('ck.reported'), t('ck.closed'), t('ck.onTimeRate'), t('ck.satisfactionRate')],
    rows: months.map((m, i) => [m, overview.events.reported[i] ?? 0, overview.events.closed[i] ?? 0, fmtPct(overview.events.onTimeRate[i]), fmtPct(overview.events.satisfaction[i])]),
  };
  const appsTable = { head: [t('ck.month'), t('ck.submitted'), t('ck.completed')], rows: months.map((m, i) => [m, overview.applications.submitted[i] ?? 0, overview.applications.completed[i] ?? 0]) };
  const hoursTable = { head: [t('ck.month'), t('ck.hours')], rows: months.map((m, i) => [m, round1(overview.volunteerHours[i] ?? 0)]) };
  const half = { xs: 24, lg: 12 };
  const third = { xs: 24, lg: 12, xl: 8 };

  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={8} xl={4}>
          <Figure label={t('ck.residents')} value={fmtInt(p.residents)} testId="ck-residents" />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure label={t('ck.households')} value={fmtInt(p.households)} testId="ck-households" />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure label={t('ck.dwellings')} value={fmtInt(p.dwellings)} testId="ck-dwellings" />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure label={t('ck.events')} value={fmtInt(sum(overview.events.reported))} sub={`${t('ck.closed')} ${fmtInt(sum(overview.events.closed))}`} testId="ck-events-total" />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Figure label={t('ck.fund')} value={overview.fund ? fmtYuan(overview.fund.balanceFen) : '—'} sub={overview.fund ? undefined : t('ck.fundNone')} testId="ck-fund" />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <Card size="small" className="ck-card ck-figure" data-testid="ck-satisfaction">
            <div className="ck-figure-label">{t('ck.satisfaction')}</div>
            <div className="ck-figure-value" data-testid="ck-satisfaction-value">
              {fmtPct(overview.satisfaction.rate)}
            </div>
            {overview.satisfaction.rate !== null && <Progress percent={round1(overview.satisfaction.rate * 100)} showInfo={false} size="small" aria-label={t('ck.satisfaction')} />}
            <div className="ck-figure-sub">{overview.satisfaction.rated > 0 ? t('ck.rated', { n: overview.satisfaction.rated }) : t('ck.noRating')}</div>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <AreaMap overview={overview} indicators={indicators} indicator={indicator} onIndicator={onIndicator} onDrill={onDrill} wall={wall} />
        </Col>
        <Col xs={24} xl={10}>
          <ChartCard
            title={t('ck.pyramid')}
            testId="ck-pyramid"
            wall={wall}
            height={520}
            table={pyramidTable}
            spec={{ kind: 'pyramid', bands: p.pyramid.map((b) => b.band), male: { name: t('ck.male'), values: p.pyramid.map((b) => b.male) }, female: { name: t('ck.female'), values: p.pyramid.map((b) => b.female) } }}
          />
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col {...half}>
          <ChartCard title={t('ck.residence')} testId="ck-residence" wall={wall} table={residenceTable} spec={{ kind: 'donut', items: p.residence.map((r) => ({ name: r.type, value: r.count })) }} />
        </Col>
        <Col {...half}>
          <ChartCard
            title={t('ck.groups')}
            testId="ck-groups"
            wall={wall}
            table={groupsTable}
            spec={{ kind: 'bar', horizontal: true, categories: p.groups.map((g) => g.tag), series: [{ name: t('ck.count'), values: p.groups.map((g) => g.count) }] }}
          />
        </Col>
        <Col {...third}>
          <ChartCard
            title={t('ck.events')}
            testId="ck-events"
            wall={wall}
            table={eventsTable}
            spec={{
              kind: 'combo',
              categories: months,
              bars: [
                { name: t('ck.reported'), values: overview.events.reported },
                { name: t('ck.closed'), values: overview.events.closed },
              ],
              rates: [
                { name: t('ck.onTimeRate'), values: overview.events.onTimeRate },
                { name: t('ck.satisfactionRate'), values: overview.events.satisfaction },
              ],
            }}
          />
        </Col>
        <Col {...third}>
          <ChartCard
            title={t('ck.applications')}
            testId="ck-applications"
            wall={wall}
            table={appsTable}
            spec={{
              kind: 'bar',
              categories: months,
              series: [
                { name: t('ck.submitted'), values: overview.applications.submitted },
                { name: t('ck.completed'), values: overview.applications.completed },
              ],
            }}
          />
        </Col>
        <Col {...third}>
          <ChartCard
            title={t('ck.volunteerHours')}
            testId="ck-hours"
            wall={wall}
            table={hoursTable}
            spec={{ kind: 'line', categories: months, series: [{ name: t('ck.hours'), values: overview.volunteerHours.map(round1) }] }}
          />
        </Col>
      </Row>
    </Flex>
  );
}

/**
 * 数据驾驶舱: key figures, charts and a map of the areas below the chosen node, coloured by an
 * indicator; click an area to drill down (city → sub-district → community → grid). A wall
 * display mode (dark, large type, full screen) is a button away, or `?wall=1` in the URL.
 */
export default function CockpitPage() {
  const { t } = useI18n();
  const { nodeId } = useParams<{ nodeId?: string }>();
  const search = useSearch();
  const [, navigate] = useLocation();
  const wallParam = new URLSearchParams(search).get('wall') === '1';
  const [wall, setWall] = useState(wallParam);
  // Kept while drilling down, so every level is coloured by the same indicator.
  const [indicator, setIndicator] = useState('residents');
  const container = useRef<HTMLDivElement>(null);
  const wentFullscreen = useRef(false);

  const overview = useApi((signal) => api.get<Overview>(`${BASE}/overview`, { nodeId }, signal), [nodeId]);
  const indicators = useApi((signal) => api.get<Indicators>(`${BASE}/indicators`, undefined, signal), []);
  const o = overview.data;
  useBreadcrumbs([{ title: t('ck.menu'), href: '/cockpit' }, ...(o ? [{ title: o.node.name }] : [])]);

  const drill = useCallback((id: string) => navigate(`/cockpit/${id}${search ? `?${search}` : ''}`), [navigate, search]);

  const leaveWall = useCallback(() => {
    wentFullscreen.current = false;
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    setWall(false);
    if (wallParam) {
      const rest = new URLSearchParams(search);
      rest.delete('wall');
      const qs = rest.toString();
      navigate(`/cockpit${nodeId ? `/${nodeId}` : ''}${qs ? `?${qs}` : ''}`, { replace: true });
    }
  }, [navigate, nodeId, search, wallParam]);

  const enterWall = () => {
    setWall(true);
    const el = container.current;
    // Full screen needs the click's user gesture; without it the dark layout still fills the window.
    if (el?.requestFullscreen) {
      void el.requestFullscreen().then(
        () => {
          wentFullscreen.current = true;
        },
        () => undefined,
      );
    }
  };

  useEffect(() => {
    if (!wall) return;
    // Esc in full screen is taken by the browser (it only leaves full screen): follow it.
    const onChange = () => {
      if (!document.fullscreenElement && wentFullscreen.current) leaveWall();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.fullscreenElement) leaveWall();
    };
    document.addEventListener('fullscreenchange', onChange);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      document.removeEventListener('keydown', onKey);
    };
  }, [wall, leaveWall]);

  if (overview.missing) return <NotEnabled path={`${BASE}/overview`} />;

  const trailItems = o
    ? [
        ...o.trail.map((n) => ({ title: <Typography.Link onClick={() => drill(n.id)}>{n.name}</Typography.Link> })),
        { title: <span aria-current="page">{o.node.name}</span> },
      ]
    : [];

  const page = (
    <div ref={container} className={`ck-page${wall ? ' ck-wall' : ''}`} data-testid="cockpit-page" data-wall={wall ? '1' : '0'}>
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Flex vertical gap={4}>
          <Typography.Title level={wall ? 2 : 4} style={{ margin: 0 }}>
            {t('ck.title')}
            {o && ` · ${o.node.name}`}
          </Typography.Title>
          {o && (
            <nav aria-label={t('ck.trail')}>
              <Breadcrumb items={trailItems} data-testid="cockpit-trail" />
            </nav>
          )}
        </Flex>
        <Flex align="center" gap={12} wrap>
          {o && (
            <Typography.Text type="secondary" data-testid="cockpit-as-of">
              {o.asOf ? t('ck.asOf', { at: formatDateTime(o.asOf) }) : t('ck.notRefreshed')}
            </Typography.Text>
          )}
          {wall ? (
            <Button onClick={leaveWall} data-testid="cockpit-wall-leave">
              {t('ck.wallLeave')}
            </Button>
          ) : (
            <Button type="primary" onClick={enterWall} data-testid="cockpit-wall">
              {t('ck.wall')}
            </Button>
          )}
        </Flex>
      </Flex>
      {overview.error && <Alert type="error" showIcon title={overview.error.message} />}
      {!o && !overview.error && <Spin />}
      {o && <Dashboard overview={o} indicators={indicators.data} indicator={indicator} onIndicator={setIndicator} wall={wall} onDrill={drill} />}
    </div>
  );
  // The wall display: antd's dark algorithm and larger type inside. Always the same tree, so the
  // element in full screen is never replaced when the look changes.
  return <ConfigProvider theme={wall ? WALL_THEME : undefined}>{page}</ConfigProvider>;
}
