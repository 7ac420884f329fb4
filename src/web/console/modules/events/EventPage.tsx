import { useMemo, useState, type MouseEvent } from 'react';
import { useLocation, useParams } from 'wouter';
import { Alert, Button, Card, Col, Descriptions, Empty, Flex, Image, Row, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { api } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { AttributeDefinition, AvailableStep, EventDetail, EventPhoto } from '../../../shared/events.js';
import type { OrgNodeWithAncestors } from '../../../shared/types.js';
import { GridMap, type MapFeature } from '../../components/GridMap.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { StepModal } from './StepModal.js';
import { channelText, DeadlineTag, EVENTS, StateTag, text, UrgencyTag, useLabel } from './common.js';

/** Steps that send the event on: shown as the main buttons; the rest are secondary. */
const PRIMARY_STEPS = new Set(['accept', 'dispatch', 'take', 'finish', 'verify', 'approve_extension', 'resume', 'approve_void', 'rate']);
const DANGER_STEPS = new Set(['reject', 'request_void', 'approve_void', 'return', 'rework', 'refuse_extension', 'refuse_void', 'withdraw']);

function attributeText(def: AttributeDefinition | undefined, value: string | string[]) {
  const values = Array.isArray(value) ? value : [value];
  const names = values.map((v) => def?.values?.find((x) => x.key === v)?.name ?? v);
  return names.join('、');
}

function Thumbs({ photos, testId }: { photos: EventPhoto[]; testId?: string }) {
  if (photos.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Space wrap data-testid={testId}>
        {photos.map((p) => (
          <Image key={p.id} src={p.url} alt={p.name} width={96} height={96} style={{ objectFit: 'cover', borderRadius: 6 }} data-testid="event-photo" />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

/** The grid's outline and the event's point (when it has one) on the SVG grid map. */
function EventMap({ event }: { event: EventDetail }) {
  const { t } = useI18n();
  const node = useApi((signal) => api.get<OrgNodeWithAncestors>(`/api/v1/org/nodes/${encodeURIComponent(event.orgNodeId)}`, undefined, signal), [event.orgNodeId]);
  const features = useMemo(() => {
    const list: MapFeature[] = [];
    if (node.data?.geometry) list.push({ id: node.data.id, name: node.data.name, geometry: node.data.geometry, kindLabel: t(`kind.${node.data.kind}`) });
    if (event.lat !== null && event.lng !== null) list.push({ id: `event-${event.id}`, name: t('ev.eventPoint'), geometry: { type: 'Point', coordinates: [event.lng, event.lat] }, kindLabel: event.code });
    return list;
  }, [node.data, event, t]);
  if (node.loading) return <Spin />;
  if (node.error && features.length === 0) return <Typography.Text type="secondary">{node.error.message}</Typography.Text>;
  return (
    <Flex vertical gap={4} data-testid="event-map">
      {event.lat === null && <Typography.Text type="secondary">{t('ev.noPoint')}</Typography.Text>}
      <GridMap features={features} title={t('ev.mapTitle', { grid: event.orgNodeName ?? '' })} emptyText={t('org.mapEmpty')} width={520} height={300} />
    </Flex>
  );
}

export default function EventPage() {
  const { t } = useI18n();
  const l = useLabel();
  const { id } = useParams<{ id: string }>();
  const [, navigate] = useLocation();
  const [step, setStep] = useState<AvailableStep | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const detail = useApi((signal) => api.get<EventDetail>(`${EVENTS}/${encodeURIComponent(id)}`, undefined, signal), [id]);
  const e = detail.data;
  useBreadcrumbs([{ title: t('ev.crumb') }, { title: t('ev.menu.workbench'), href: '/events' }, { title: e?.code ?? id }]);

  if (detail.missing) return <NotEnabled path={EVENTS} />;
  if (detail.error) return <Alert type="error" showIcon title={detail.error.message} data-testid="event-error" />;
  if (!e) return <Spin />;

  const photoById = new Map(e.photos.map((p) => [p.id, p]));
  // Records other modules linked to this event (a mediation case …), from its timeline.
  const links = e.timeline.filter((s) => s.entry === 'note' && s.link).map((s) => ({ title: s.label, link: s.link! }));
  const openLink = (href: string) => (ev: MouseEvent) => {
    ev.preventDefault();
    navigate(href.startsWith('/console/') ? href.slice('/console'.length) : href);
  };
  const defs = new Map(e.attributeDefinitions.map((d) => [d.code, d]));
  const assignee = e.assignee
    ? [e.assignee.nodeName, e.assignee.departmentName ?? e.assignee.departmentCode, e.assignee.userName].filter(Boolean).join(' · ')
    : '—';
  const reporter = [t(`ev.reporterKind.${e.reporter.kind}`), e.reporter.name, e.reporter.phone].filter(Boolean).join(' ');

  const facts = e.facts;
  const factTags = [
    facts.dispatchCount > 0 && t('ev.fact.dispatchCount', { n: facts.dispatchCount }),
    facts.returnCount > 0 && t('ev.fact.returnCount', { n: facts.returnCount }),
    facts.reworkCount > 0 && t('ev.fact.reworkCount', { n: facts.reworkCount }),
    facts.extensionCount > 0 && t('ev.fact.extensionCount', { n: facts.extensionCount }),
    facts.suspended && t('ev.fact.suspended'),
    facts.escalatedAt && t('ev.fact.escalated'),
    facts.closedOnTime === true && t('ev.fact.closedOnTime'),
    facts.closedOnTime === false && t('ev.fact.closedLate'),
  ].filter((x): x is string => !!x);

  const items = [
    { key: 'code', label: t('ev.field.code'), children: <span data-testid="event-code">{e.code}</span> },
    { key: 'state', label: t('ev.field.state'), children: <StateTag state={e.state} label={e.stateLabel} /> },
    { key: 'category', label: t('ev.field.category'), children: `${text(e.categoryCode)} ${text(e.categoryName)}` },
    { key: 'urgency', label: t('ev.field.urgency'), children: <UrgencyTag urgency={e.urgency} /> },
    { key: 'channel', label: t('ev.field.channel'), children: channelText(e.channel, e.source) },
    ...(e.sourceOrderNo ? [{ key: 'order', label: t('ev.field.sourceOrderNo'), children: e.sourceOrderNo }] : []),
    { key: 'grid', label: t('ev.field.grid'), children: text(e.orgNodeName) },
    { key: 'address', label: t('ev.field.address'), children: text(e.address ?? e.addressNodeName) },
    { key: 'reporter', label: t('ev.field.reporter'), children: reporter },
    { key: 'created', label: t('ev.field.created'), children: formatDateTime(e.createdAt) },
    { key: 'deadline', label: t('ev.field.deadline'), children: <DeadlineTag status={e.deadlineStatus} dueAt={e.dueAt} /> },
    { key: 'closeDue', label: t('ev.field.closeDue'), children: e.closeDueAt ? formatDateTime(e.closeDueAt) : '—' },
    { key: 'assignee', label: t('ev.field.assignee'), children: <span data-testid="event-assignee">{assignee}</span> },
    ...(e.rating ? [{ key: 'rating', label: t('ev.field.rating'), children: `${t(`ev.rating.${e.rating}`)}${facts.ratingComment ? `（${facts.ratingComment}）` : ''}` }] : []),
    ...(e.mergedInto ? [{ key: 'merged', label: t('ev.field.mergedInto'), children: <a onClick={() => navigate(`/events/${e.mergedInto!.id}`)}>{e.mergedInto.code}</a> }] : []),
    ...(e.promotedFrom ? [{ key: 'promoted', label: t('ev.field.promotedFrom'), children: e.promotedFrom }] : []),
    ...(links.length
      ? [
          {
            key: 'links',
            label: t('ev.field.links'),
            span: 2,
            children: (
              <Space wrap data-testid="event-links" title={t('ev.links.hint')}>
                {links.map(({ title, link }) => (
                  <Tag key={`${link.kind}:${link.id}`} color="purple" data-testid="event-link" data-kind={link.kind}>
                    {l(title)}{' '}
                    {link.href ? (
                      <a href={link.href} onClick={openLink(link.href)}>
                        {link.label}
                      </a>
                    ) : (
                      link.label
                    )}
                  </Tag>
                ))}
              </Space>
            ),
          },
        ]
      : []),
    { key: 'description', label: t('ev.field.description'), span: 2, children: <span style={{ whiteSpace: 'pre-wrap' }} data-testid="event-description">{e.description}</span> },
    ...Object.entries(e.attributes).map(([code, value]) => ({ key: `attr-${code}`, label: defs.get(code)?.label ?? code, children: attributeText(defs.get(code), value) })),
  ];

  const onDone = () => {
    if (step) setDone(t('ev.step.done', { step: l(step.label, step.name) }));
    setStep(null);
    detail.reload();
  };

  return (
    <Flex vertical gap={16} data-testid="event-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space wrap align="center">
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="event-title">
            {e.title}
          </Typography.Title>
          <StateTag state={e.state} label={e.stateLabel} />
          <DeadlineTag status={e.deadlineStatus} dueAt={e.dueAt} compact />
        </Space>
        <Button onClick={() => (window.history.length > 1 ? window.history.back() : navigate('/events'))}>{t('ev.back')}</Button>
      </Flex>

      <Card size="small" title={t('ev.steps')} data-testid="event-steps">
        {done && <Alert type="success" showIcon title={done} closable={{ onClose: () => setDone(null) }} style={{ marginBottom: 12 }} data-testid="step-done" />}
        {e.transitions.length === 0 ? (
          <Typography.Text type="secondary">{t('ev.step.none')}</Typography.Text>
        ) : (
          <Space wrap>
            {e.transitions.map((s) => (
              <Button
                key={s.name}
                type={PRIMARY_STEPS.has(s.name) ? 'primary' : 'default'}
                danger={DANGER_STEPS.has(s.name)}
                onClick={() => {
                  setDone(null);
                  setStep(s);
                }}
                data-testid={`step-${s.name}`}
              >
                {l(s.label, s.name)}
              </Button>
            ))}
          </Space>
        )}
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Flex vertical gap={16}>
            <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} items={items} data-testid="event-facts" />
            {factTags.length > 0 && (
              <Space wrap aria-label={t('ev.field.facts')}>
                {factTags.map((f) => (
                  <Tag key={f}>{f}</Tag>
                ))}
              </Space>
            )}
            <Card size="small" title={t('ev.field.photos')}>
              {e.photos.length ? <Thumbs photos={e.photos} testId="event-photos" /> : <Typography.Text type="secondary">{t('ev.noPhotos')}</Typography.Text>}
            </Card>
            <Card size="small" title={t('ev.field.map')}>
              <EventMap event={e} />
            </Card>
          </Flex>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('ev.timeline')}>
            {e.timeline.length === 0 ? (
              <Empty />
            ) : (
              <Timeline
                data-testid="event-timeline"
                items={e.timeline.map((s) => ({
                  key: s.entry === 'note' ? `note:${s.link?.kind}:${s.link?.id}` : `step:${s.version}`,
                  color: s.entry === 'note' ? 'purple' : s.toState === 'closed' || s.toState === 'rated' ? 'green' : DANGER_STEPS.has(s.transition) ? 'red' : 'blue',
                  title: formatDateTime(s.at),
                  content: (
                    <Flex vertical gap={2} data-testid="timeline-entry" data-transition={s.transition} data-link-kind={s.link?.kind}>
                      <span>
                        <strong>{l(s.label, s.transition)}</strong>
                        {s.entry === 'step' && <span style={{ color: '#4b5563' }}> → {l(s.toLabel, s.toState)}</span>}
                      </span>
                      <span style={{ color: '#374151' }}>
                        {s.actorName
                          ? t('ev.timeline.by', { name: s.actorName, role: l(s.actorRoleLabel, s.actorRole ?? '') })
                          : s.actorRoleLabel
                            ? l(s.actorRoleLabel)
                            : t('ev.timeline.system')}
                      </span>
                      {s.comment && <span style={{ whiteSpace: 'pre-wrap' }}>{s.comment}</span>}
                      {s.extensionHours !== null && <span>{t('ev.timeline.hours', { hours: s.extensionHours })}</span>}
                      {s.rating && <span>{t('ev.timeline.rating', { rating: t(`ev.rating.${s.rating}`) })}</span>}
                      {s.link?.href && (
                        <a href={s.link.href} onClick={openLink(s.link.href)} data-testid="timeline-link">
                          {t('ev.timeline.open', { label: s.link.label })}
                        </a>
                      )}
                      <Thumbs photos={s.attachmentIds.map((a) => photoById.get(a)).filter((p): p is EventPhoto => !!p)} />
                    </Flex>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>
      {step && (
        <StepModal
          event={e}
          step={step}
          onClose={() => setStep(null)}
          onDone={onDone}
          onRefresh={() => {
            setStep(null);
            detail.reload();
          }}
        />
      )}
    </Flex>
  );
}
