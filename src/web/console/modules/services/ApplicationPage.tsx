import { useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Flex, Form, Input, List, Modal, Radio, Row, Select, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { api, ApiError, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { hasRole } from '../../../shared/types.js';
import { useApi } from '../../../shared/use-api.js';
import type { ApplicationDetail, ApplicationFile, ApplicationStepBody } from '../../../shared/service-hall.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { AppDeadlineTag, APPLICATIONS_API, AppStateTag, formValueText, MaterialUpload, RATINGS, text, useLabel } from './common.js';
import { useHandlers } from './QueuePage.js';

type Step = ApplicationDetail['transitions'][number];

const PRIMARY = new Set(['accept', 'approve', 'complete', 'resubmit', 'rate']);
const DANGER = new Set(['return', 'refuse', 'deny', 'withdraw']);

interface StepValues {
  comment?: string;
  missingMaterials?: string[];
  files?: string[];
  paperMaterials?: string[];
  filesBy?: Record<string, string[] | undefined>;
  rating?: string;
}

/** The form of one step (退回补正 with the missing materials, 办结 with result files …), sent with the version shown. */
function StepModal({ app, step, onClose, onDone, onRefresh }: { app: ApplicationDetail; step: Step; onClose: () => void; onDone: () => void; onRefresh: () => void }) {
  const { t } = useI18n();
  const l = useLabel();
  const [form] = Form.useForm<StepValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; stale: boolean } | null>(null);
  const name = step.name;
  const commentLabel =
    name === 'return' ? t('sv.step.returnComment') : name === 'refuse' || name === 'deny' ? t('sv.step.refuseComment') : name === 'complete' ? t('sv.step.completeComment') : step.requiresComment ? t('sv.step.comment') : t('sv.step.commentOptional');
  const submit = async (v: StepValues) => {
    setBusy(true);
    setError(null);
    try {
      const body: ApplicationStepBody = { expectedVersion: app.version, comment: v.comment?.trim() || undefined };
      if (name === 'return') body.missingMaterials = v.missingMaterials ?? [];
      if (name === 'complete' && v.files?.length) body.files = v.files.map((attachmentId) => ({ materialCode: 'result', attachmentId }));
      if (name === 'resubmit') {
        // Staff acting for a resident they applied for: each missing material as a file or on paper.
        body.paperMaterials = v.paperMaterials ?? [];
        body.files = Object.entries(v.filesBy ?? {}).flatMap(([materialCode, ids]) => (ids ?? []).map((attachmentId) => ({ materialCode, attachmentId })));
      }
      if (name === 'rate') body.rating = v.rating as ApplicationStepBody['rating'];
      await api.post(`${APPLICATIONS_API}/${encodeURIComponent(app.id)}/steps/${name}`, body);
      onDone();
    } catch (e) {
      const stale = e instanceof ApiError && e.status === 409 && /CONFLICT|STALE|VERSION/.test(e.code);
      setError({ text: stale ? t('sv.step.conflict') : errorMessage(e), stale });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('sv.step.title', { step: l(step.label, name), code: app.code })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={l(step.label, name)}
      cancelText={t('common.cancel')}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'step-submit', danger: DANGER.has(name) }}
      width={560}
    >
      <Form<StepValues> form={form} layout="vertical" onFinish={(v) => void submit(v)} data-testid="step-form">
        {name === 'return' && (
          <Form.Item name="missingMaterials" label={t('sv.step.missing')} rules={[{ required: true, type: 'array', min: 1, message: t('sv.step.missingRequired') }]}>
            <Checkbox.Group data-testid="step-missing">
              <Flex vertical gap={4}>
                {app.materials.map((m) => (
                  <Checkbox key={m.code} value={m.code} data-testid={`step-missing-${m.code}`}>
                    {m.name}
                    {m.files.length === 0 && !m.onPaper ? <Typography.Text type="secondary">（{t('sv.d.noFile')}）</Typography.Text> : null}
                  </Checkbox>
                ))}
              </Flex>
            </Checkbox.Group>
          </Form.Item>
        )}
        {name === 'rate' && (
          <Form.Item name="rating" label={t('sv.step.rating')} rules={[{ required: true, message: t('common.required', { field: t('sv.step.rating') }) }]}>
            <Radio.Group optionType="button" options={RATINGS.map((r) => ({ value: r, label: t(`sv.rating.${r}`) }))} />
          </Form.Item>
        )}
        {name === 'resubmit' &&
          app.materials
            .filter((m) => m.missing)
            .map((m) => (
              <Form.Item key={m.code} name={['filesBy', m.code]} label={m.name}>
                <MaterialUpload testId={`step-files-${m.code}`} />
              </Form.Item>
            ))}
        {name === 'resubmit' && app.materials.some((m) => m.missing) && (
          <Form.Item name="paperMaterials" label={t('sv.step.paper')}>
            <Checkbox.Group options={app.materials.filter((m) => m.missing).map((m) => ({ value: m.code, label: m.name }))} />
          </Form.Item>
        )}
        <Form.Item
          name="comment"
          label={commentLabel}
          rules={step.requiresComment ? [{ required: true, whitespace: true, message: t('sv.step.commentRequired') }] : []}
        >
          <Input.TextArea rows={3} maxLength={1000} showCount data-testid="step-comment" />
        </Form.Item>
        {name === 'complete' && (
          <Form.Item name="files" label={t('sv.step.resultFiles')}>
            <MaterialUpload testId="step-files" />
          </Form.Item>
        )}
      </Form>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error.text}
          data-testid="step-error"
          action={
            error.stale ? (
              <Button size="small" onClick={onRefresh} data-testid="step-refresh">
                {t('sv.step.refresh')}
              </Button>
            ) : undefined
          }
        />
      )}
    </Modal>
  );
}

function Files({ files }: { files: ApplicationFile[] }) {
  return (
    <Space wrap>
      {files.map((f) => (
        <a key={f.id} href={f.url} target="_blank" rel="noopener" data-testid="application-file">
          {f.name}
        </a>
      ))}
    </Space>
  );
}

function AssignControl({ app, onDone }: { app: ApplicationDetail; onDone: () => void }) {
  const { t } = useI18n();
  const handlers = useHandlers();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const assign = async (userId: string | null) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${APPLICATIONS_API}/${encodeURIComponent(app.id)}/assign`, { userId });
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Flex vertical gap={4}>
      <Select
        value={app.assigneeUserId ?? ''}
        loading={handlers.loading || busy}
        style={{ minWidth: 200 }}
        showSearch={{ optionFilterProp: 'label' }}
        onChange={(v: string) => void assign(v || null)}
        options={[{ value: '', label: t('sv.unassigned') }, ...(handlers.data?.items ?? []).map((h) => ({ value: h.userId, label: h.displayName }))]}
        aria-label={t('sv.d.assign')}
        data-testid="application-assign"
      />
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Flex>
  );
}

/** 办件详情: the form, the documents (open files), the timeline and the step buttons. */
export default function ApplicationPage() {
  const { t } = useI18n();
  const l = useLabel();
  const session = useSession();
  const canHandle = hasRole(session.status === 'ready' ? session.me : null, 'community_staff');
  const { id } = useParams<{ id: string }>();
  const [, navigate] = useLocation();
  const [step, setStep] = useState<Step | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const detail = useApi((signal) => api.get<ApplicationDetail>(`${APPLICATIONS_API}/${encodeURIComponent(id)}`, undefined, signal), [id]);
  const a = detail.data;
  useBreadcrumbs([{ title: t('sv.crumb') }, { title: t('sv.menu.queue'), href: '/service-applications' }, { title: a?.code ?? id }]);

  if (detail.missing) return <NotEnabled path={APPLICATIONS_API} />;
  if (detail.error) return <Alert type="error" showIcon title={detail.error.message} data-testid="application-error" />;
  if (!a) return <Spin />;

  const facts = [
    { key: 'code', label: t('sv.field.code'), children: <span data-testid="application-code">{a.code}</span> },
    { key: 'state', label: t('sv.field.state'), children: <AppStateTag state={a.state} label={a.stateLabel} /> },
    { key: 'matter', label: t('sv.field.matter'), children: `${a.matter.name}（v${a.matter.version}）` },
    { key: 'channel', label: t('sv.field.channel'), children: t(`sv.channel.${a.channel}`) },
    { key: 'submitted', label: t('sv.field.submitted'), children: formatDateTime(a.submittedAt) },
    { key: 'deadline', label: t('sv.field.deadline'), children: <AppDeadlineTag status={a.deadlineStatus} dueAt={a.dueAt} /> },
    ...(a.acceptedAt ? [{ key: 'accepted', label: t('sv.field.accepted'), children: formatDateTime(a.acceptedAt) }] : []),
    ...(a.promiseDueAt ? [{ key: 'promise', label: t('sv.field.promiseDue'), children: formatDateTime(a.promiseDueAt) }] : []),
    ...(a.completedAt ? [{ key: 'completed', label: t('sv.field.completed'), children: formatDateTime(a.completedAt) }] : []),
    ...(a.completedOnTime !== null ? [{ key: 'onTime', label: t('sv.field.onTime'), children: a.completedOnTime ? <Tag color="green">{t('sv.onTime')}</Tag> : <Tag color="red">! {t('sv.late')}</Tag> }] : []),
    { key: 'grid', label: t('sv.field.grid'), children: text(a.orgNodeName) },
    {
      key: 'assignee',
      label: t('sv.field.assignee'),
      children: canHandle && !['completed', 'rated', 'refused', 'denied', 'withdrawn'].includes(a.state) ? <AssignControl app={a} onDone={detail.reload} /> : (a.assigneeName ?? t('sv.unassigned')),
    },
    ...(a.returnCount ? [{ key: 'returns', label: t('sv.field.returnCount'), children: a.returnCount }] : []),
    ...(a.result ? [{ key: 'result', label: t('sv.field.result'), span: 2, children: a.result }] : []),
    ...(a.refusalReason ? [{ key: 'refusal', label: t('sv.field.refusal'), span: 2, children: a.refusalReason }] : []),
    ...(a.rating ? [{ key: 'rating', label: t('sv.field.rating'), children: `${t(`sv.rating.${a.rating}`)}${a.ratingComment ? `（${a.ratingComment}）` : ''}` }] : []),
  ];
  const applicant = [
    { key: 'name', label: t('sv.field.applicant'), children: <span data-testid="application-applicant">{a.applicant.name}</span> },
    { key: 'id', label: t('sv.field.idNumber'), children: text(a.applicant.idNumber) },
    { key: 'phone', label: t('sv.field.phone'), children: text(a.applicant.phone) },
    { key: 'address', label: t('sv.field.address'), children: text(a.applicant.address) },
    ...(a.agent ? [{ key: 'agent', label: t('sv.field.agent'), children: text(a.agent.name) }, { key: 'reason', label: t('sv.field.agentReason'), children: text(a.agent.reason) }] : []),
  ];

  return (
    <Flex vertical gap={16} data-testid="application-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space wrap align="center">
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="application-title">
            {a.matter.name} · {a.applicant.name}
          </Typography.Title>
          <AppStateTag state={a.state} label={a.stateLabel} />
          {a.onBehalf && <Tag>{t('sv.channel.on_behalf')}</Tag>}
        </Space>
        <Button onClick={() => (window.history.length > 1 ? window.history.back() : navigate('/service-applications'))}>{t('sv.d.back')}</Button>
      </Flex>

      <Card size="small" title={t('sv.d.steps')} data-testid="application-steps">
        {done && <Alert type="success" showIcon title={done} closable={{ onClose: () => setDone(null) }} style={{ marginBottom: 12 }} data-testid="step-done" />}
        {a.transitions.length === 0 ? (
          <Typography.Text type="secondary">{t('sv.d.noSteps')}</Typography.Text>
        ) : (
          <Space wrap>
            {a.transitions.map((s) => (
              <Button key={s.name} type={PRIMARY.has(s.name) ? 'primary' : 'default'} danger={DANGER.has(s.name)} onClick={() => setStep(s)} data-testid={`step-${s.name}`}>
                {l(s.label, s.name)}
              </Button>
            ))}
          </Space>
        )}
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Flex vertical gap={16}>
            <Card size="small" title={t('sv.d.facts')}>
              <Descriptions size="small" column={{ xs: 1, md: 2 }} items={facts} data-testid="application-facts" />
            </Card>
            <Card size="small" title={t('sv.d.applicant')}>
              <Descriptions size="small" column={{ xs: 1, md: 2 }} items={applicant} />
            </Card>
            <Card size="small" title={t('sv.d.form')} data-testid="application-form">
              <Descriptions
                size="small"
                column={1}
                bordered
                items={a.form.map((f) => ({
                  key: f.key,
                  label: (
                    <Space size={4}>
                      {f.label}
                      {f.prefill && <Tag>{t('sv.d.prefilled')}</Tag>}
                    </Space>
                  ),
                  children: formValueText(f.value, t('sv.ob.yes')),
                }))}
              />
            </Card>
            <Card size="small" title={t('sv.d.materials')} data-testid="application-materials">
              <List
                size="small"
                dataSource={a.materials}
                renderItem={(m) => (
                  <List.Item data-testid={`material-${m.code}`} data-missing={m.missing ? 'true' : undefined}>
                    <Flex vertical gap={4} style={{ width: '100%' }}>
                      <Space wrap>
                        <strong>{m.name}</strong>
                        {m.required && <Tag>{t('sv.d.required')}</Tag>}
                        {m.missing && <Tag color="red">! {t('sv.d.missing')}</Tag>}
                        {m.onPaper && <Tag color="blue">{t('sv.d.onPaper')}</Tag>}
                      </Space>
                      {m.files.length ? <Files files={m.files} /> : !m.onPaper && <Typography.Text type="secondary">{t('sv.d.noFile')}</Typography.Text>}
                    </Flex>
                  </List.Item>
                )}
              />
              {a.resultFiles.length > 0 && (
                <div style={{ marginTop: 8 }}>
                  <strong>{t('sv.d.resultFiles')}：</strong>
                  <Files files={a.resultFiles} />
                </div>
              )}
            </Card>
          </Flex>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('sv.d.timeline')} data-testid="application-timeline">
            <Timeline
              items={a.timeline.map((s) => ({
                key: s.version,
                color: s.toState === 'returned' || s.toState === 'refused' || s.toState === 'denied' ? 'red' : s.toState === 'completed' || s.toState === 'rated' ? 'green' : 'blue',
                content: (
                  <div data-testid="timeline-step" data-transition={s.transition} data-to={s.toState}>
                    <div>
                      <strong>{s.transition === 'start' ? t('sv.d.stepSubmit') : l(s.label, s.transition)}</strong> → {l(s.toLabel, s.toState)}
                    </div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(s.at)} · {[s.actorName, l(s.actorRoleLabel)].filter(Boolean).join(' ')}
                    </Typography.Text>
                    {s.comment && <div style={{ whiteSpace: 'pre-wrap' }}>{s.comment}</div>}
                    {s.missingMaterials.length > 0 && <div style={{ color: '#a8071a' }}>{t('sv.d.missingList', { list: s.missingMaterials.map((m) => m.name).join('、') })}</div>}
                    {s.files > 0 && <Typography.Text type="secondary">{t('sv.d.files', { n: s.files })}</Typography.Text>}
                    {s.rating && <div>{t(`sv.rating.${s.rating}`)}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>

      {step && (
        <StepModal
          app={a}
          step={step}
          onClose={() => setStep(null)}
          onRefresh={() => {
            setStep(null);
            detail.reload();
          }}
          onDone={() => {
            setDone(t('sv.step.done', { step: l(step.label, step.name) }));
            setStep(null);
            detail.reload();
          }}
        />
      )}
    </Flex>
  );
}
