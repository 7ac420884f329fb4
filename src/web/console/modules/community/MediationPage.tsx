import { useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { Alert, Button, Card, Descriptions, Drawer, Form, Input, Modal, Radio, Segmented, Select, Space, Table, Tabs, Tag, Timeline, Typography, Upload } from 'antd';
import { api, ApiError, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { addMessages, useI18n } from '../../../shared/i18n.js';
import { useSession } from '../../../shared/session.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect, PersonPicker } from '../registry/common.js';

addMessages({
  'md.mine': { 'zh-CN': '我的调解案件', en: 'My mediation cases' },
  'md.confidential': {
    'zh-CN': '调解案件保密：只有登记人、指派人、本案调解员和当事人本人可以看到，其他工作人员看不到。',
    en: 'Mediation is confidential: only the registrar, the assigner, the case’s mediators and the parties themselves see a case.',
  },
  'md.filter.open': { 'zh-CN': '办理中', en: 'Open' },
  'md.filter.closed': { 'zh-CN': '已结案', en: 'Closed' },
  'md.filter.all': { 'zh-CN': '全部', en: 'All' },
  'md.new': { 'zh-CN': '登记调解案件', en: 'Register a case' },
  'md.number': { 'zh-CN': '案号', en: 'Number' },
  'md.category': { 'zh-CN': '纠纷类型', en: 'Category' },
  'md.status': { 'zh-CN': '状态', en: 'Status' },
  'md.parties': { 'zh-CN': '当事人', en: 'Parties' },
  'md.lead': { 'zh-CN': '主办调解员', en: 'Lead mediator' },
  'md.helpers': { 'zh-CN': '协办调解员', en: 'Helpers' },
  'md.accepted': { 'zh-CN': '受理时间', en: 'Accepted' },
  'md.myRole': { 'zh-CN': '我的角色', en: 'My role' },
  'md.role.registrar': { 'zh-CN': '登记人', en: 'Registrar' },
  'md.role.assigner': { 'zh-CN': '指派人', en: 'Assigner' },
  'md.role.lead': { 'zh-CN': '主办', en: 'Lead' },
  'md.role.helper': { 'zh-CN': '协办', en: 'Helper' },
  'md.side.applicant': { 'zh-CN': '申请人', en: 'Applicant' },
  'md.side.respondent': { 'zh-CN': '被申请人', en: 'Respondent' },
  'md.node': { 'zh-CN': '受理单位（社区或网格）', en: 'Handled by (community or grid)' },
  'md.summary': { 'zh-CN': '纠纷简要情况', en: 'What the dispute is about' },
  'md.source': { 'zh-CN': '来源', en: 'Source' },
  'md.source.walk_in': { 'zh-CN': '当事人申请', en: 'Walk-in' },
  'md.source.referral': { 'zh-CN': '移交', en: 'Referral' },
  'md.source.event': { 'zh-CN': '网格事件转入', en: 'From a grid event' },
  'md.referralFrom': { 'zh-CN': '移交单位', en: 'Referred by' },
  'md.registry': { 'zh-CN': '人口库居民', en: 'Registry person' },
  'md.outsider': { 'zh-CN': '外部人员', en: 'Outsider' },
  'md.name': { 'zh-CN': '姓名', en: 'Name' },
  'md.phone': { 'zh-CN': '手机号', en: 'Mobile' },
  'md.idNumber': { 'zh-CN': '身份证号', en: 'ID number' },
  'md.place': { 'zh-CN': '住址', en: 'Address' },
  'md.note': { 'zh-CN': '备注', en: 'Note' },
  'md.addParty': { 'zh-CN': '添加当事人', en: 'Add a party' },
  'md.remove': { 'zh-CN': '移除', en: 'Remove' },
  'md.showPhone': { 'zh-CN': '查看号码', en: 'Show number' },
  'md.purpose': { 'zh-CN': '查看用途（将记入审计日志）', en: 'Purpose (goes to the audit log)' },
  'md.leadHint': { 'zh-CN': '不选则由登记人主办', en: 'Empty: you mediate it yourself' },
  'md.save': { 'zh-CN': '保存', en: 'Save' },
  'md.fromEvent': { 'zh-CN': '从矛盾纠纷事件转入', en: 'From a dispute event' },
  'md.eventCode': { 'zh-CN': '事件编号，如 SJ20261102-0001', en: 'Event number, e.g. SJ20261102-0001' },
  'md.fromEventGo': { 'zh-CN': '转人民调解', en: 'Open a case' },
  'md.eventNotFound': { 'zh-CN': '没有找到该编号的事件（或您无权查看）', en: 'No event with that number (or you may not see it)' },
  'md.eventTaken': {
    'zh-CN': '该事件已转人民调解，不能重复受理。只有该案的登记人、指派人和调解员可以打开它。',
    en: 'This event already has a mediation case. Only its registrar, assigner and mediators can open it.',
  },
  'md.openExisting': { 'zh-CN': '打开已有案件', en: 'Open the existing case' },
  'md.tab.parties': { 'zh-CN': '当事人', en: 'Parties' },
  'md.tab.mediators': { 'zh-CN': '调解员', en: 'Mediators' },
  'md.tab.sessions': { 'zh-CN': '调解记录', en: 'Sessions' },
  'md.tab.agreement': { 'zh-CN': '调解协议书', en: 'Agreement' },
  'md.tab.files': { 'zh-CN': '附件', en: 'Attachments' },
  'md.tab.history': { 'zh-CN': '办理记录', en: 'History' },
  'md.assign': { 'zh-CN': '指派 / 改派', en: 'Assign' },
  'md.heldAt': { 'zh-CN': '调解时间', en: 'When' },
  'md.sessionPlace': { 'zh-CN': '地点', en: 'Where' },
  'md.attendees': { 'zh-CN': '参加人员', en: 'Present' },
  'md.record': { 'zh-CN': '调解情况', en: 'Record' },
  'md.nextStep': { 'zh-CN': '下一步', en: 'Next step' },
  'md.addSession': { 'zh-CN': '登记调解记录', en: 'Record a session' },
  'md.agreementText': { 'zh-CN': '协议正文', en: 'Text' },
  'md.terms': { 'zh-CN': '协议条款（每行一条）', en: 'Terms (one per line)' },
  'md.deadline': { 'zh-CN': '履行期限', en: 'Perform by' },
  'md.signedOn': { 'zh-CN': '签订日期', en: 'Signed on' },
  'md.unsigned': { 'zh-CN': '未签订（草稿）', en: 'Not signed (draft)' },
  'md.print': { 'zh-CN': '打印协议书', en: 'Print the agreement' },
  'md.performed': { 'zh-CN': '已履行', en: 'Performed' },
  'md.notPerformed': { 'zh-CN': '未履行', en: 'Not performed' },
  'md.performance': { 'zh-CN': '履行情况', en: 'Performance' },
  'md.unknown': { 'zh-CN': '待确认', en: 'Not known yet' },
  'md.upload': { 'zh-CN': '上传附件', en: 'Upload' },
  'md.noAgreement': { 'zh-CN': '尚未登记调解协议书', en: 'No agreement yet' },
  'md.step.start': { 'zh-CN': '开始调解', en: 'Start mediation' },
  'md.step.agree': { 'zh-CN': '达成协议', en: 'Agreed' },
  'md.step.fail': { 'zh-CN': '调解不成', en: 'Not settled' },
  'md.step.withdraw': { 'zh-CN': '撤回', en: 'Withdraw' },
  'md.step.close': { 'zh-CN': '回访结案', en: 'Follow up and close' },
  'md.stepNote.fail': { 'zh-CN': '已告知当事人的其他途径（如：引导向人民法院起诉、申请劳动仲裁）', en: 'Where the parties were pointed (court, labour arbitration …)' },
  'md.stepNote.withdraw': { 'zh-CN': '撤回原因', en: 'Why it was withdrawn' },
  'md.stepNote.close': { 'zh-CN': '回访情况', en: 'What the follow-up found' },
  'md.stepNote.other': { 'zh-CN': '说明（可选）', en: 'Note (optional)' },
  'md.outcomeNote': { 'zh-CN': '结果说明', en: 'Outcome note' },
  'md.followUp': { 'zh-CN': '回访情况', en: 'Follow-up' },
  'md.registeredBy': { 'zh-CN': '登记人', en: 'Registered by' },
  'md.stats': { 'zh-CN': '本社区调解统计（仅数量）', en: 'Committee counts (numbers only)' },
  'md.successRate': { 'zh-CN': '调解成功率', en: 'Success rate' },
  'md.total': { 'zh-CN': '合计', en: 'Total' },
  'md.st.accepted': { 'zh-CN': '已受理', en: 'Accepted' },
  'md.st.in_mediation': { 'zh-CN': '调解中', en: 'In mediation' },
  'md.st.agreed': { 'zh-CN': '达成协议', en: 'Agreed' },
  'md.st.failed': { 'zh-CN': '调解不成', en: 'Not settled' },
  'md.st.withdrawn': { 'zh-CN': '已撤回', en: 'Withdrawn' },
  'md.st.closed': { 'zh-CN': '已结案', en: 'Closed' },
  'md.empty': { 'zh-CN': '暂无您经办的调解案件', en: 'No cases of yours' },
});

/** Shapes of src/modules/community/mediation.schema.ts. */
type Status = 'accepted' | 'in_mediation' | 'agreed' | 'failed' | 'withdrawn' | 'closed';
type Side = 'applicant' | 'respondent';
type Step = 'start' | 'agree' | 'fail' | 'withdraw' | 'close';
interface Label {
  'zh-CN': string;
  en: string;
}
interface CaseSummary {
  id: string;
  number: string;
  category: string;
  status: Status;
  statusLabel: Label;
  orgNodeName: string | null;
  summary: string;
  source: string;
  parties: { side: Side; name: string }[];
  lead: string | null;
  myRoles: string[];
  acceptedAt: string;
  version: number;
}
interface Party {
  id: string;
  side: Side;
  kind: 'registry' | 'outsider';
  name: string;
  idMasked: string | null;
  phoneMasked: string | null;
  place: string | null;
  note: string | null;
  hasAccount: boolean;
}
interface CaseDetail extends CaseSummary {
  orgNodeId: string;
  sourceEventId: string | null;
  referralFrom: string | null;
  outcome: 'agreed' | 'failed' | 'withdrawn' | null;
  outcomeNote: string | null;
  followUp: string | null;
  registeredBy: string | null;
  partyDetails: Party[];
  mediators: { userId: string; name: string; role: 'lead' | 'helper' }[];
  sessions: { id: string; seq: number; heldAt: string; place: string; attendees: string; record: string; nextStep: string | null; createdBy: string | null }[];
  agreement: { text: string; terms: string[]; performanceDeadline: string | null; signedOn: string | null; performed: boolean | null; performanceNote: string | null } | null;
  attachments: { id: string; name: string; mime: string; url: string }[];
  history: { version: number; action: string; label: Label; fromStatus: Status | null; toStatus: Status | null; note: string | null; actorName: string | null; at: string }[];
  abilities: { assign: boolean; edit: boolean; steps: Step[]; unmask: boolean };
}
interface Candidate {
  userId: string;
  name: string;
  role: string;
  orgNodeName: string;
}

const API = '/api/v1/mediation';
const CATEGORIES = ['邻里纠纷', '婚姻家庭', '物业纠纷', '房屋土地', '劳动争议', '损害赔偿', '其他'];
const STATUS_COLOR: Record<Status, string> = { accepted: 'blue', in_mediation: 'processing', agreed: 'green', failed: 'orange', withdrawn: 'default', closed: 'default' };

function StatusTag({ status, label }: { status: Status; label: Label }) {
  const { locale } = useI18n();
  return <Tag color={STATUS_COLOR[status]}>{label[locale]}</Tag>;
}

/** Mediators the committee may choose for a node's community. */
function useCandidates(orgNodeId: string | undefined, enabled: boolean) {
  return useApi(
    (signal) => (orgNodeId && enabled ? api.get<{ items: Candidate[] }>(`${API}/mediators`, { orgNodeId }, signal) : Promise.resolve({ items: [] as Candidate[] })),
    [orgNodeId, enabled],
  );
}

const candidateOptions = (items: Candidate[]) => items.map((c) => ({ value: c.userId, label: `${c.name}（${c.orgNodeName}）` }));

/** Party fields: a registry person picked by search, or a name with a mobile. */
function PartyFields({ prefix = [] as (string | number)[], kind }: { prefix?: (string | number)[]; kind: 'registry' | 'outsider' }) {
  const { t } = useI18n();
  return (
    <Space wrap align="start">
      <Form.Item name={[...prefix, 'side']} label={t('md.parties')} rules={[{ required: true }]}>
        <Select style={{ width: 120 }} options={(['applicant', 'respondent'] as const).map((s) => ({ value: s, label: t(`md.side.${s}`) }))} />
      </Form.Item>
      <Form.Item name={[...prefix, 'kind']} label=" ">
        <Radio.Group optionType="button" options={[{ value: 'registry', label: t('md.registry') }, { value: 'outsider', label: t('md.outsider') }]} />
      </Form.Item>
      {kind === 'registry' ? (
        <Form.Item name={[...prefix, 'personId']} label={t('md.name')} rules={[{ required: true }]} style={{ minWidth: 280 }}>
          <PersonPicker testId="mediation-person" />
        </Form.Item>
      ) : (
        <>
          <Form.Item name={[...prefix, 'name']} label={t('md.name')} rules={[{ required: true, min: 2 }]}>
            <Input style={{ width: 120 }} maxLength={40} />
          </Form.Item>
          <Form.Item name={[...prefix, 'phone']} label={t('md.phone')} rules={[{ required: true, pattern: /^1[3-9]\d{9}$/ }]}>
            <Input style={{ width: 150 }} maxLength={11} inputMode="numeric" />
          </Form.Item>
        </>
      )}
      <Form.Item name={[...prefix, 'note']} label={t('md.note')}>
        <Input style={{ width: 160 }} maxLength={100} />
      </Form.Item>
    </Space>
  );
}

type PartyForm = { side: Side; kind: 'registry' | 'outsider'; personId?: string; name?: string; phone?: string; note?: string };
const partyBody = (p: PartyForm) => (p.kind === 'registry' ? { side: p.side, personId: p.personId, note: p.note || undefined } : { side: p.side, name: p.name, phone: p.phone, note: p.note || undefined });

function NewCase({ canAssign, onDone, onCancel }: { canAssign: boolean; onDone: (id: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [eventCode, setEventCode] = useState('');
  const [busy, setBusy] = useState(false);
  /** The case an event already went to (409 MEDIATION_EVENT_TAKEN names it). */
  const [existing, setExisting] = useState<string | null>(null);
  const orgNodeId = Form.useWatch('orgNodeId', form) as string | undefined;
  const source = Form.useWatch('source', form) as string | undefined;
  const parties = (Form.useWatch('parties', form) as PartyForm[] | undefined) ?? [];
  const candidates = useCandidates(orgNodeId, canAssign);
  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    setBusy(true);
    try {
      const created = await api.post<CaseDetail>(`${API}/cases`, {
        orgNodeId: v.orgNodeId,
        category: v.category,
        summary: v.summary,
        source: v.source,
        referralFrom: v.source === 'referral' ? v.referralFrom : undefined,
        parties: ((v.parties ?? []) as PartyForm[]).map(partyBody),
        leadUserId: v.leadUserId || undefined,
        helperUserIds: v.helperUserIds ?? [],
      });
      onDone(created.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const fromEvent = async () => {
    setError(null);
    setExisting(null);
    setBusy(true);
    try {
      const code = eventCode.trim().toUpperCase();
      const found = await api.get<{ items: { id: string; code: string }[] }>('/api/v1/events', { q: code, pageSize: 5 });
      const event = found.items.find((e) => e.code === code);
      if (!event) throw new Error(t('md.eventNotFound'));
      const created = await api.post<CaseDetail>(`${API}/cases/from-event/${event.id}`, { leadUserId: form.getFieldValue('leadUserId') || undefined, helperUserIds: form.getFieldValue('helperUserIds') ?? [] });
      onDone(created.id);
    } catch (e) {
      const caseId = e instanceof ApiError && e.code === 'MEDIATION_EVENT_TAKEN' ? (e.details as { caseId?: unknown } | undefined)?.caseId : undefined;
      if (typeof caseId === 'string') setExisting(caseId);
      else setError(e instanceof Error && !('code' in e) ? e.message : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open width={860} title={t('md.new')} onCancel={onCancel} onOk={() => void submit()} okText={t('md.save')} confirmLoading={busy} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="mediation-error" />}
      {existing && (
        <Alert
          type="warning"
          showIcon
          title={t('md.eventTaken')}
          style={{ marginBottom: 12 }}
          data-testid="mediation-event-taken"
          action={
            <Button size="small" type="primary" onClick={() => onDone(existing)} data-testid="mediation-open-existing">
              {t('md.openExisting')}
            </Button>
          }
        />
      )}
      <Card size="small" title={t('md.fromEvent')} style={{ marginBottom: 12 }}>
        <Space.Compact style={{ width: '100%', maxWidth: 480 }}>
          <Input value={eventCode} onChange={(e) => setEventCode(e.target.value)} placeholder={t('md.eventCode')} data-testid="mediation-event-code" />
          <Button disabled={!eventCode.trim()} loading={busy} onClick={() => void fromEvent()} data-testid="mediation-from-event">
            {t('md.fromEventGo')}
          </Button>
        </Space.Compact>
      </Card>
      <Form form={form} layout="vertical" initialValues={{ category: '邻里纠纷', source: 'walk_in', parties: [{ side: 'applicant', kind: 'registry' }, { side: 'respondent', kind: 'registry' }], helperUserIds: [] }}>
        <Space wrap align="start">
          <Form.Item name="orgNodeId" label={t('md.node')} rules={[{ required: true }]}>
            <OrgNodeSelect deepest="grid" selectable={['community', 'grid']} testId="mediation-node" />
          </Form.Item>
          <Form.Item name="category" label={t('md.category')} rules={[{ required: true }]}>
            <Select style={{ width: 140 }} options={CATEGORIES.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
          <Form.Item name="source" label={t('md.source')}>
            <Radio.Group options={[{ value: 'walk_in', label: t('md.source.walk_in') }, { value: 'referral', label: t('md.source.referral') }]} />
          </Form.Item>
          {source === 'referral' && (
            <Form.Item name="referralFrom" label={t('md.referralFrom')} rules={[{ required: true, min: 2 }]}>
              <Input style={{ width: 180 }} placeholder="硖石派出所" />
            </Form.Item>
          )}
        </Space>
        <Form.Item name="summary" label={t('md.summary')} rules={[{ required: true, min: 10 }]}>
          <Input.TextArea rows={4} maxLength={4000} data-testid="mediation-summary" />
        </Form.Item>
        <Form.List name="parties">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start">
                  <PartyFields prefix={[f.name]} kind={parties[f.name]?.kind ?? 'registry'} />
                  <Button type="link" danger onClick={() => remove(f.name)} style={{ marginTop: 30 }}>
                    {t('md.remove')}
                  </Button>
                </Space>
              ))}
              <Button onClick={() => add({ side: 'respondent', kind: 'registry' })} style={{ marginBottom: 16 }}>
                {t('md.addParty')}
              </Button>
            </>
          )}
        </Form.List>
        {canAssign && (
          <Space wrap>
            <Form.Item name="leadUserId" label={t('md.lead')} extra={t('md.leadHint')}>
              <Select allowClear style={{ width: 240 }} options={candidateOptions(candidates.data?.items ?? [])} data-testid="mediation-lead" />
            </Form.Item>
            <Form.Item name="helperUserIds" label={t('md.helpers')}>
              <Select mode="multiple" style={{ width: 320 }} options={candidateOptions(candidates.data?.items ?? [])} />
            </Form.Item>
          </Space>
        )}
      </Form>
    </Modal>
  );
}

function PartiesTab({ c, act }: { c: CaseDetail; act: (fn: () => Promise<unknown>) => Promise<boolean> }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const kind = (Form.useWatch('kind', form) as 'registry' | 'outsider' | undefined) ?? 'registry';
  const [phones, setPhones] = useState<Record<string, string>>({});
  const [asking, setAsking] = useState<Party | null>(null);
  const [purpose, setPurpose] = useState('');
  const reveal = async () => {
    if (!asking) return;
    const ok = await act(async () => {
      const r = await api.post<{ phone: string }>(`${API}/cases/${c.id}/parties/${asking.id}/contact`, { purpose });
      setPhones((p) => ({ ...p, [asking.id]: r.phone }));
    });
    if (ok) setAsking(null);
  };
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={c.partyDetails}
        data-testid="mediation-parties"
        columns={[
          { title: t('md.parties'), width: 90, render: (_, p: Party) => t(`md.side.${p.side}`) },
          { title: t('md.name'), render: (_, p: Party) => `${p.name}${p.kind === 'outsider' ? `（${t('md.outsider')}）` : ''}` },
          { title: t('md.idNumber'), dataIndex: 'idMasked', render: (v: string | null) => v ?? '—' },
          {
            title: t('md.phone'),
            render: (_, p: Party) => (
              <Space>
                <span>{phones[p.id] ?? p.phoneMasked ?? '—'}</span>
                {c.abilities.unmask && p.phoneMasked && !phones[p.id] && (
                  <Button size="small" type="link" onClick={() => setAsking(p)}>
                    {t('md.showPhone')}
                  </Button>
                )}
              </Space>
            ),
          },
          { title: t('md.place'), dataIndex: 'place', render: (v: string | null) => v ?? '—' },
          { title: t('md.note'), dataIndex: 'note', render: (v: string | null) => v ?? '' },
          ...(c.abilities.edit
            ? [
                {
                  title: '',
                  width: 70,
                  render: (_: unknown, p: Party) => (
                    <Button size="small" danger type="link" onClick={() => void act(() => api.post(`${API}/cases/${c.id}/parties/${p.id}/remove`, { expectedVersion: c.version }))}>
                      {t('md.remove')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {c.abilities.edit && (
        <Form
          form={form}
          layout="vertical"
          style={{ marginTop: 16 }}
          initialValues={{ side: 'respondent', kind: 'registry' }}
          onFinish={(v: PartyForm) =>
            void act(() => api.post(`${API}/cases/${c.id}/parties`, { ...partyBody(v), expectedVersion: c.version })).then((ok) => ok && form.resetFields())
          }
        >
          <PartyFields kind={kind} />
          <Button htmlType="submit">{t('md.addParty')}</Button>
        </Form>
      )}
      <Modal open={!!asking} title={`${t('md.showPhone')}：${asking?.name ?? ''}`} onCancel={() => setAsking(null)} onOk={() => void reveal()} okButtonProps={{ disabled: purpose.trim().length < 2 }}>
        <Input value={purpose} onChange={(e) => setPurpose(e.target.value)} placeholder={t('md.purpose')} maxLength={200} />
      </Modal>
    </>
  );
}

function MediatorsTab({ c, act }: { c: CaseDetail; act: (fn: () => Promise<unknown>) => Promise<boolean> }) {
  const { t } = useI18n();
  const candidates = useCandidates(c.orgNodeId, c.abilities.assign);
  const lead = c.mediators.find((m) => m.role === 'lead');
  const [form] = Form.useForm();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('md.lead')}>{lead?.name ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('md.helpers')}>{c.mediators.filter((m) => m.role === 'helper').map((m) => m.name).join('、') || '—'}</Descriptions.Item>
      </Descriptions>
      {c.abilities.assign && (
        <Form
          form={form}
          layout="inline"
          initialValues={{ leadUserId: lead?.userId, helperUserIds: c.mediators.filter((m) => m.role === 'helper').map((m) => m.userId) }}
          onFinish={(v: { leadUserId: string; helperUserIds?: string[] }) => void act(() => api.put(`${API}/cases/${c.id}/mediators`, { ...v, helperUserIds: v.helperUserIds ?? [], expectedVersion: c.version }))}
        >
          <Form.Item name="leadUserId" label={t('md.lead')} rules={[{ required: true }]}>
            <Select style={{ width: 220 }} options={candidateOptions(candidates.data?.items ?? [])} />
          </Form.Item>
          <Form.Item name="helperUserIds" label={t('md.helpers')}>
            <Select mode="multiple" style={{ width: 300 }} options={candidateOptions(candidates.data?.items ?? [])} />
          </Form.Item>
          <Button htmlType="submit" type="primary">
            {t('md.assign')}
          </Button>
        </Form>
      )}
    </Space>
  );
}

function SessionsTab({ c, act }: { c: CaseDetail; act: (fn: () => Promise<unknown>) => Promise<boolean> }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {c.sessions.map((s) => (
        <Card key={s.id} size="small" title={`${t('md.tab.sessions')} ${s.seq} · ${formatDateTime(s.heldAt)} · ${s.place}`} extra={s.createdBy}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
            {t('md.attendees')}：{s.attendees}
          </Typography.Paragraph>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 4 }}>{s.record}</Typography.Paragraph>
          {s.nextStep && (
            <Typography.Text type="secondary">
              {t('md.nextStep')}：{s.nextStep}
            </Typography.Text>
          )}
        </Card>
      ))}
      {c.abilities.edit && (
        <Form
          form={form}
          layout="vertical"
          onFinish={(v: { heldAt: string; place: string; attendees: string; record: string; nextStep?: string }) =>
            void act(() => api.post(`${API}/cases/${c.id}/sessions`, { ...v, heldAt: new Date(v.heldAt).toISOString(), nextStep: v.nextStep || undefined, expectedVersion: c.version })).then((ok) => ok && form.resetFields())
          }
        >
          <Space wrap>
            <Form.Item name="heldAt" label={t('md.heldAt')} rules={[{ required: true }]}>
              <Input type="datetime-local" style={{ width: 220 }} />
            </Form.Item>
            <Form.Item name="place" label={t('md.sessionPlace')} rules={[{ required: true, min: 2 }]} initialValue="社区人民调解室">
              <Input style={{ width: 220 }} />
            </Form.Item>
            <Form.Item name="attendees" label={t('md.attendees')} rules={[{ required: true, min: 2 }]}>
              <Input style={{ width: 320 }} />
            </Form.Item>
          </Space>
          <Form.Item name="record" label={t('md.record')} rules={[{ required: true, min: 10 }]}>
            <Input.TextArea rows={4} maxLength={8000} />
          </Form.Item>
          <Form.Item name="nextStep" label={t('md.nextStep')}>
            <Input maxLength={1000} />
          </Form.Item>
          <Button htmlType="submit">{t('md.addSession')}</Button>
        </Form>
      )}
    </Space>
  );
}

function AgreementTab({ c, act }: { c: CaseDetail; act: (fn: () => Promise<unknown>) => Promise<boolean> }) {
  const { t } = useI18n();
  const a = c.agreement;
  const editable = c.abilities.steps.includes('agree');
  const mediator = c.abilities.steps.length > 0 || c.abilities.edit;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {a ? (
        <Card
          size="small"
          title={`${t('md.signedOn')}：${a.signedOn ?? t('md.unsigned')}${a.performanceDeadline ? ` · ${t('md.deadline')}：${a.performanceDeadline}` : ''}`}
          extra={
            <a href={`${API}/cases/${c.id}/agreement.html`} target="_blank" rel="noopener" data-testid="mediation-print">
              {t('md.print')}
            </a>
          }
        >
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{a.text}</Typography.Paragraph>
          <ol>
            {a.terms.map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ol>
          <Typography.Text>
            {t('md.performance')}：{a.performed === null ? t('md.unknown') : a.performed ? t('md.performed') : t('md.notPerformed')}
            {a.performanceNote ? `（${a.performanceNote}）` : ''}
          </Typography.Text>
        </Card>
      ) : (
        <Typography.Text type="secondary">{t('md.noAgreement')}</Typography.Text>
      )}
      {c.outcome === 'agreed' && mediator && (
        <Space>
          <Button onClick={() => void act(() => api.post(`${API}/cases/${c.id}/agreement/performance`, { performed: true, expectedVersion: c.version }))}>{t('md.performed')}</Button>
          <Button danger onClick={() => void act(() => api.post(`${API}/cases/${c.id}/agreement/performance`, { performed: false, expectedVersion: c.version }))}>
            {t('md.notPerformed')}
          </Button>
        </Space>
      )}
      {editable && (
        <Form
          layout="vertical"
          initialValues={{ text: a?.text, terms: a?.terms.join('\n'), performanceDeadline: a?.performanceDeadline, signedOn: a?.signedOn }}
          onFinish={(v: { text: string; terms: string; performanceDeadline?: string; signedOn?: string }) =>
            void act(() =>
              api.put(`${API}/cases/${c.id}/agreement`, {
                text: v.text,
                terms: v.terms
                  .split('\n')
                  .map((x) => x.trim())
                  .filter(Boolean),
                performanceDeadline: v.performanceDeadline || undefined,
                signedOn: v.signedOn || undefined,
                expectedVersion: c.version,
              }),
            )
          }
        >
          <Form.Item name="text" label={t('md.agreementText')} rules={[{ required: true, min: 10 }]}>
            <Input.TextArea rows={3} maxLength={8000} data-testid="mediation-agreement-text" />
          </Form.Item>
          <Form.Item name="terms" label={t('md.terms')} rules={[{ required: true }]}>
            <Input.TextArea rows={4} data-testid="mediation-agreement-terms" />
          </Form.Item>
          <Space wrap>
            <Form.Item name="performanceDeadline" label={t('md.deadline')}>
              <Input type="date" />
            </Form.Item>
            <Form.Item name="signedOn" label={t('md.signedOn')}>
              <Input type="date" />
            </Form.Item>
          </Space>
          <Button htmlType="submit">{t('md.save')}</Button>
        </Form>
      )}
    </Space>
  );
}

function FilesTab({ c, act }: { c: CaseDetail; act: (fn: () => Promise<unknown>) => Promise<boolean> }) {
  const { t } = useI18n();
  const mediator = c.abilities.steps.length > 0 || c.abilities.edit;
  return (
    <Space direction="vertical">
      {c.attachments.map((f) => (
        <a key={f.id} href={f.url} target="_blank" rel="noopener">
          {f.name}
        </a>
      ))}
      {mediator && (
        <Upload
          showUploadList={false}
          customRequest={({ file, onSuccess, onError }) => {
            const form = new FormData();
            form.append('file', file as Blob);
            // No orgNodeId: the file is opened through the case, never by `org.read` on a node.
            void act(async () => {
              const up = await api.upload<{ id: string }>('/api/v1/files', form, { purpose: 'community.mediation' });
              await api.post(`${API}/cases/${c.id}/attachments`, { attachmentId: up.id, expectedVersion: c.version });
            }).then((ok) => (ok ? onSuccess?.({}) : onError?.(new Error('upload'))));
          }}
        >
          <Button>{t('md.upload')}</Button>
        </Upload>
      )}
    </Space>
  );
}

function StepBar({ c, act }: { c: CaseDetail; act: (fn: () => Promise<unknown>) => Promise<boolean> }) {
  const { t } = useI18n();
  const [step, setStep] = useState<Step | null>(null);
  const [note, setNote] = useState('');
  const needsNote = step === 'fail' || step === 'withdraw' || step === 'close';
  const go = async () => {
    if (!step) return;
    const ok = await act(() => api.post(`${API}/cases/${c.id}/steps`, { action: step, note: note.trim() || undefined, expectedVersion: c.version }));
    if (ok) {
      setStep(null);
      setNote('');
    }
  };
  if (c.abilities.steps.length === 0) return null;
  return (
    <>
      <Space wrap>
        {c.abilities.steps.map((s) => (
          <Button key={s} type={s === 'start' || s === 'agree' || s === 'close' ? 'primary' : 'default'} danger={s === 'withdraw'} onClick={() => setStep(s)} data-testid={`mediation-step-${s}`}>
            {t(`md.step.${s}`)}
          </Button>
        ))}
      </Space>
      <Modal open={!!step} title={step ? t(`md.step.${step}`) : ''} onCancel={() => setStep(null)} onOk={() => void go()} okButtonProps={{ disabled: needsNote && note.trim().length < 2 }}>
        <Input.TextArea rows={3} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t(needsNote ? `md.stepNote.${step}` : 'md.stepNote.other')} maxLength={2000} data-testid="mediation-step-note" />
      </Modal>
    </>
  );
}

function CaseDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const [, navigate] = useLocation();
  const item = useApi((signal) => api.get<CaseDetail>(`${API}/cases/${id}`, undefined, signal), [id]);
  const [error, setError] = useState<string | null>(null);
  const c = item.data;
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      item.reload();
      onChanged();
      return true;
    } catch (e) {
      setError(errorMessage(e));
      item.reload();
      return false;
    }
  };
  const sourceLabel = (s: string) => (s.startsWith('event:') ? t('md.source.event') : t(`md.source.${s}`));
  return (
    <Drawer open width={920} onClose={onClose} title={c ? `${c.number} · ${c.category}` : ''} destroyOnHidden>
      {item.error && <Alert type="error" showIcon title={item.error.message} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="mediation-error" />}
      {c && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="mediation-detail">
          <Descriptions size="small" column={3} bordered>
            <Descriptions.Item label={t('md.status')}>
              <StatusTag status={c.status} label={c.statusLabel} />
            </Descriptions.Item>
            <Descriptions.Item label={t('md.node')}>{c.orgNodeName}</Descriptions.Item>
            <Descriptions.Item label={t('md.source')}>
              {c.sourceEventId ? (
                <a href={`/console/events/${c.sourceEventId}`} onClick={(ev) => {
                    ev.preventDefault();
                    navigate(`/events/${c.sourceEventId}`);
                  }} data-testid="mediation-source-event">
                  {sourceLabel(c.source)}
                </a>
              ) : (
                sourceLabel(c.source)
              )}
              {c.referralFrom ? `（${c.referralFrom}）` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('md.accepted')}>{formatDateTime(c.acceptedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('md.registeredBy')}>{c.registeredBy}</Descriptions.Item>
            <Descriptions.Item label={t('md.lead')}>{c.lead ?? '—'}</Descriptions.Item>
            {c.outcomeNote && (
              <Descriptions.Item label={t('md.outcomeNote')} span={3}>
                {c.outcomeNote}
              </Descriptions.Item>
            )}
            {c.followUp && (
              <Descriptions.Item label={t('md.followUp')} span={3}>
                {c.followUp}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="mediation-summary-text">
            {c.summary}
          </Typography.Paragraph>
          <StepBar c={c} act={act} />
          <Tabs
            items={[
              { key: 'parties', label: t('md.tab.parties'), children: <PartiesTab c={c} act={act} /> },
              { key: 'mediators', label: t('md.tab.mediators'), children: <MediatorsTab c={c} act={act} /> },
              { key: 'sessions', label: `${t('md.tab.sessions')} (${c.sessions.length})`, children: <SessionsTab c={c} act={act} /> },
              { key: 'agreement', label: t('md.tab.agreement'), children: <AgreementTab c={c} act={act} /> },
              { key: 'files', label: `${t('md.tab.files')} (${c.attachments.length})`, children: <FilesTab c={c} act={act} /> },
              {
                key: 'history',
                label: t('md.tab.history'),
                children: (
                  <Timeline
                    items={c.history.map((h) => ({
                      key: h.version,
                      children: (
                        <>
                          <strong>{h.label[locale]}</strong> · {formatDateTime(h.at)} · {h.actorName}
                          {h.note && <div style={{ whiteSpace: 'pre-wrap' }}>{h.note}</div>}
                        </>
                      ),
                    }))}
                  />
                ),
              },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}

interface Stats {
  total: number;
  byStatus: Record<Status, number>;
  successRate: number | null;
}

function CommitteeCounts() {
  const { t } = useI18n();
  const stats = useApi((signal) => api.get<Stats>(`${API}/statistics`, undefined, signal), []);
  if (!stats.data) return null;
  const s = stats.data;
  const statuses: Status[] = ['accepted', 'in_mediation', 'agreed', 'failed', 'withdrawn', 'closed'];
  return (
    <Card size="small" title={t('md.stats')} data-testid="mediation-stats">
      <Space wrap>
        <Tag>
          {t('md.total')} {s.total}
        </Tag>
        {statuses.map((k) => (
          <Tag key={k} color={STATUS_COLOR[k]}>
            {t(`md.st.${k}`)} {s.byStatus[k] ?? 0}
          </Tag>
        ))}
        <span>
          {t('md.successRate')}：{s.successRate === null ? '—' : `${Math.round(s.successRate * 100)}%`}
        </span>
      </Space>
    </Card>
  );
}

/** 纠纷调解: my cases (as registrar, assigner or mediator), a case's page, registering and from an event. */
export default function MediationPage() {
  const { t } = useI18n();
  const params = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  const session = useSession();
  useBreadcrumbs([{ title: t('md.menu') }]);
  const canAssign = session.status === 'ready' && session.me.roles.some((r) => r.role === 'community_staff');
  const [filter, setFilter] = useState<'open' | 'closed' | 'all'>('open');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const list = useApi(
    (signal) => api.get<{ items: CaseSummary[]; total: number }>(`${API}/cases`, { page, pageSize: 20, open: filter === 'all' ? undefined : filter === 'open' ? '1' : '0' }, signal),
    [filter, page],
  );
  if (list.missing) return <NotEnabled path={`${API}/cases`} />;
  const partiesText = (c: CaseSummary) =>
    (['applicant', 'respondent'] as const)
      .map((side) => c.parties.filter((p) => p.side === side).map((p) => p.name).join('、'))
      .filter(Boolean)
      .join(' ⇄ ');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('md.menu')}
        </Typography.Title>
        <Button type="primary" onClick={() => setCreating(true)} data-testid="mediation-new">
          {t('md.new')}
        </Button>
      </Space>
      <Alert type="info" showIcon title={t('md.confidential')} />
      {canAssign && <CommitteeCounts />}
      <Segmented
        value={filter}
        onChange={(v) => {
          setFilter(v as typeof filter);
          setPage(1);
        }}
        options={(['open', 'closed', 'all'] as const).map((f) => ({ value: f, label: t(`md.filter.${f}`) }))}
      />
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('md.empty') }}
        pagination={{ current: page, total: list.data?.total ?? 0, pageSize: 20, onChange: setPage }}
        data-testid="mediation-list"
        columns={[
          {
            title: t('md.number'),
            width: 170,
            render: (_, c: CaseSummary) => (
              <a onClick={() => navigate(`/community/mediation/${c.id}`)} data-testid="mediation-row">
                {c.number}
              </a>
            ),
          },
          { title: t('md.category'), dataIndex: 'category', width: 100 },
          { title: t('md.parties'), render: (_, c: CaseSummary) => partiesText(c) || '—' },
          { title: t('md.status'), width: 100, render: (_, c: CaseSummary) => <StatusTag status={c.status} label={c.statusLabel} /> },
          { title: t('md.lead'), dataIndex: 'lead', width: 100 },
          { title: t('md.myRole'), width: 130, render: (_, c: CaseSummary) => c.myRoles.map((r) => t(`md.role.${r}`)).join('、') },
          { title: t('md.accepted'), width: 170, render: (_, c: CaseSummary) => formatDateTime(c.acceptedAt) },
        ]}
      />
      {creating && (
        <NewCase
          canAssign={canAssign}
          onCancel={() => setCreating(false)}
          onDone={(id) => {
            setCreating(false);
            list.reload();
            navigate(`/community/mediation/${id}`);
          }}
        />
      )}
      {params.id && <CaseDrawer id={params.id} onClose={() => navigate('/community/mediation')} onChanged={list.reload} />}
    </Space>
  );
}
