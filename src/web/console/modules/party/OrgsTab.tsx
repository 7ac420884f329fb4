import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Drawer, Empty, Flex, Form, Input, Modal, Progress, Row, Segmented, Select, Space, Table, Tag, Tree, Typography, Upload } from 'antd';
import { api, errorMessage, fieldErrors } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { IMPORTS_API, MEMBERS_API, ORGS_API, type ImportJob, type Member, type Org, type OrgKind } from './types.js';

const CHILD_KINDS: Record<OrgKind, OrgKind[]> = { committee: ['general_branch', 'branch', 'committee'], general_branch: ['branch'], branch: ['group'], group: [] };
const BRANCH_POSTS = ['书记', '副书记', '组织委员', '宣传委员', '纪检委员', '青年委员', '委员'];

/** The party tree, the rolls of the organisation chosen, members put on the rolls one by one or by roster. */
export default function OrgsTab() {
  const { t, locale } = useI18n();
  const orgs = useApi((signal) => api.get<{ items: Org[] }>(ORGS_API, undefined, signal), []);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [adding, setAdding] = useState(false);
  const [membersTick, setMembersTick] = useState(0);
  const items = orgs.data?.items ?? [];
  const byId = useMemo(() => new Map(items.map((o) => [o.id, o])), [items]);
  const current = (selected && byId.get(selected)) || items[0] || null;

  const tree = useMemo(() => {
    type Node = { key: string; title: React.ReactNode; children: Node[] };
    const nodes = new Map<string, Node>();
    for (const o of items)
      nodes.set(o.id, {
        key: o.id,
        title: (
          <span data-testid={`party-org-${o.name}`}>
            {o.name} <Typography.Text type="secondary">{t('pty.org.members', { n: o.memberCount })}</Typography.Text>
          </span>
        ),
        children: [],
      });
    const roots: Node[] = [];
    for (const o of items) {
      const parent = o.parentId ? nodes.get(o.parentId) : undefined;
      (parent ? parent.children : roots).push(nodes.get(o.id)!);
    }
    return roots;
  }, [items, t]);

  if (orgs.missing) return <NotEnabled path={ORGS_API} />;
  if (orgs.error) return <Alert type="error" showIcon title={orgs.error.message} />;
  if (!orgs.loading && items.length === 0) return <Empty description={t('pty.noOrgs')} />;
  return (
    <Row gutter={16}>
      <Col xs={24} lg={8}>
        <Card size="small" title={t('pty.tab.orgs')} extra={current?.abilities.keep && CHILD_KINDS[current.kind].length > 0 && <Button size="small" onClick={() => setCreating(true)}>{t('pty.newOrg')}</Button>}>
          {tree.length > 0 && <Tree treeData={tree} defaultExpandAll selectedKeys={current ? [current.id] : []} onSelect={(keys) => keys[0] && setSelected(String(keys[0]))} />}
          {current && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 12 }} data-testid="party-org-info">
              {current.kindLabel[locale]} · {current.orgNodeName}
              {current.establishedOn ? ` · ${t('pty.org.established')} ${current.establishedOn}` : ''}
              {current.leaders.length > 0 && ` · ${current.leaders.map((l) => `${l.post} ${l.name}`).join('、')}`}
            </Typography.Paragraph>
          )}
        </Card>
        {current?.abilities.keep && (current.kind === 'committee' || current.kind === 'branch') && <ImportCard org={current} onDone={() => setMembersTick((n) => n + 1)} />}
      </Col>
      <Col xs={24} lg={16}>
        {current && <Members org={current} tick={membersTick} onAdd={() => setAdding(true)} />}
      </Col>
      {creating && current && (
        <NewOrg
          parent={current}
          onClose={(saved) => {
            setCreating(false);
            if (saved) orgs.reload();
          }}
        />
      )}
      {adding && current && (
        <AddMember
          orgs={items}
          start={current}
          onClose={(saved) => {
            setAdding(false);
            if (saved) {
              setMembersTick((n) => n + 1);
              orgs.reload();
            }
          }}
        />
      )}
    </Row>
  );
}

function Members({ org, tick, onAdd }: { org: Org; tick: number; onAdd: () => void }) {
  const { t, locale } = useI18n();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<'all' | 'full' | 'probationary'>('all');
  const [mobile, setMobile] = useState(false);
  const [page, setPage] = useState(1);
  const list = useApi(
    (signal) => api.get<{ items: Member[]; total: number }>(MEMBERS_API, { orgId: org.id, q: q || undefined, category: category === 'all' ? undefined : category, mobile: mobile ? '1' : undefined, page, pageSize: 20 }, signal),
    [org.id, q, category, mobile, page, tick],
  );
  return (
    <Card size="small" title={`${org.name} · ${t('pty.members')}`} extra={org.abilities.keep && <Button type="primary" size="small" onClick={onAdd} data-testid="party-add-member">{t('pty.addMember')}</Button>}>
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('pty.search')}
          style={{ width: 200 }}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
        />
        <Segmented
          value={category}
          onChange={(v) => {
            setCategory(v as typeof category);
            setPage(1);
          }}
          options={(['all', 'full', 'probationary'] as const).map((c) => ({ value: c, label: t(`pty.cat.${c}`) }))}
        />
        <Checkbox
          checked={mobile}
          onChange={(e) => {
            setMobile(e.target.checked);
            setPage(1);
          }}
        >
          {t('pty.mobileOnly')}
        </Checkbox>
      </Flex>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        data-testid="party-members"
        columns={[
          { title: t('pty.m.name'), dataIndex: 'name', width: 90 },
          { title: t('pty.m.branch'), render: (_, m: Member) => `${m.orgName}${m.groupName ? ` / ${m.groupName}` : ''}` },
          { title: t('pty.m.category'), width: 100, render: (_, m: Member) => <Tag color={m.category === 'full' ? 'red' : 'orange'}>{m.categoryLabel[locale]}</Tag> },
          { title: t('pty.m.joined'), dataIndex: 'joinedOn', width: 110 },
          { title: t('pty.m.confirmed'), width: 110, render: (_, m: Member) => m.confirmedOn ?? '—' },
          { title: t('pty.m.posts'), render: (_, m: Member) => m.posts.map((p) => `${p.orgName}${p.post}`).join('、') || '—' },
          { title: t('pty.m.mobile'), render: (_, m: Member) => (m.isMobile ? t('pty.m.mobileAt', { where: m.mobileLocation ?? '' }) : '—') },
          { title: t('pty.m.phone'), dataIndex: 'phoneMasked', width: 120 },
        ]}
      />
    </Card>
  );
}

function NewOrg({ parent, onClose }: { parent: Org; onClose: (saved: boolean) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const v = (await form.validateFields()) as { kind: OrgKind; name: string; establishedOn?: string };
    setError(null);
    try {
      await api.post(ORGS_API, { parentId: parent.id, kind: v.kind, name: v.name, establishedOn: v.establishedOn || undefined });
      onClose(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Modal open title={`${t('pty.newOrg')}：${parent.name}`} onCancel={() => onClose(false)} onOk={() => void save()} okText={t('pty.save')}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ kind: CHILD_KINDS[parent.kind][0] }}>
        <Form.Item name="kind" label={t('pty.org.kind')} rules={[{ required: true }]}>
          <Select options={CHILD_KINDS[parent.kind].map((k) => ({ value: k, label: t(`pty.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t('pty.org.name')} rules={[{ required: true, min: 2 }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="establishedOn" label={t('pty.org.established')}>
          <Input type="date" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface AddValues {
  idNumber: string;
  orgId: string;
  groupId?: string;
  category: 'full' | 'probationary';
  joinedOn: string;
  confirmedOn?: string;
  mobileLocation?: string;
  post?: string;
}

function AddMember({ orgs, start, onClose }: { orgs: Org[]; start: Org; onClose: (saved: boolean) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<AddValues>();
  const [error, setError] = useState<string | null>(null);
  const branches = orgs.filter((o) => o.kind === 'branch' && o.abilities.keep);
  const branchId = Form.useWatch('orgId', form);
  const groups = orgs.filter((o) => o.kind === 'group' && o.parentId === branchId);
  const initialBranch = start.kind === 'branch' ? start.id : start.kind === 'group' ? start.parentId : branches[0]?.id;
  const save = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      await api.post(MEMBERS_API, {
        idNumber: v.idNumber,
        orgId: v.orgId,
        groupId: v.groupId || undefined,
        category: v.category,
        joinedOn: v.joinedOn,
        confirmedOn: v.category === 'full' && v.confirmedOn ? v.confirmedOn : undefined,
        mobile: v.mobileLocation ? { location: v.mobileLocation } : undefined,
        posts: v.post ? [{ orgId: v.orgId, post: v.post }] : [],
      });
      onClose(true);
    } catch (e) {
      const fields = fieldErrors(e);
      form.setFields(Object.entries(fields).map(([name, msg]) => ({ name: name as keyof AddValues, errors: [msg] })));
      setError(errorMessage(e));
    }
  };
  return (
    <Drawer open size="large" title={t('pty.addMember')} onClose={() => onClose(false)} extra={<Button type="primary" onClick={() => void save()} data-testid="party-add-save">{t('pty.save')}</Button>}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="party-add-error" />}
      <Form form={form} layout="vertical" initialValues={{ orgId: initialBranch, category: 'full' }}>
        <Form.Item name="idNumber" label={t('pty.add.idNumber')} rules={[{ required: true, min: 15 }]}>
          <Input maxLength={18} autoComplete="off" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="orgId" label={t('pty.add.branch')} rules={[{ required: true }]}>
            <Select style={{ width: 200 }} options={branches.map((b) => ({ value: b.id, label: b.name }))} />
          </Form.Item>
          <Form.Item name="groupId" label={t('pty.add.group')}>
            <Select allowClear style={{ width: 200 }} options={groups.map((g) => ({ value: g.id, label: g.name }))} />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="category" label={t('pty.m.category')} rules={[{ required: true }]}>
            <Select style={{ width: 140 }} options={(['full', 'probationary'] as const).map((c) => ({ value: c, label: t(`pty.cat.${c}`) }))} />
          </Form.Item>
          <Form.Item name="joinedOn" label={t('pty.m.joined')} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="confirmedOn" label={t('pty.m.confirmed')}>
            <Input type="date" />
          </Form.Item>
        </Space>
        <Form.Item name="post" label={t('pty.add.post')}>
          <Select allowClear style={{ width: 200 }} options={BRANCH_POSTS.map((p) => ({ value: p, label: p }))} />
        </Form.Item>
        <Form.Item name="mobileLocation" label={t('pty.add.mobileLocation')}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/** Roster import: upload (owner-only file), start, then follow the job's progress; the rejected rows show and download. */
function ImportCard({ org, onDone }: { org: Org; onDone: () => void }) {
  const { t } = useI18n();
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!job || job.status === 'done' || job.status === 'failed') return;
    const timer = window.setTimeout(() => {
      api.get<ImportJob>(`${IMPORTS_API}/${job.id}`).then(
        (j) => {
          setJob(j);
          if (j.status === 'done') onDone();
        },
        (e: unknown) => setError(errorMessage(e)),
      );
    }, 1000);
    return () => window.clearTimeout(timer);
  }, [job, onDone]);
  const percent = job?.totalRows ? Math.round((job.processedRows / job.totalRows) * 100) : job?.status === 'done' ? 100 : 0;
  return (
    <Card size="small" title={t('pty.import')} style={{ marginTop: 16 }} data-testid="party-import">
      <Typography.Paragraph type="secondary">{t('pty.import.hint')}</Typography.Paragraph>
      <Space wrap>
        <Upload
          accept=".xlsx,.csv"
          showUploadList={false}
          customRequest={({ file, onSuccess, onError }) => {
            setError(null);
            const form = new FormData();
            form.append('file', file as Blob);
            api
              .upload<{ id: string }>('/api/v1/files', form, { purpose: 'party.import' })
              .then((f) => api.post<ImportJob>(IMPORTS_API, { attachmentId: f.id, orgId: org.id }))
              .then((j) => {
                setJob(j);
                onSuccess?.(j);
              })
              .catch((e: Error) => {
                setError(errorMessage(e));
                onError?.(e);
              });
          }}
        >
          <Button type="primary">{t('pty.import.choose')}</Button>
        </Upload>
        <Button onClick={() => void api.download(`${IMPORTS_API}/template.xlsx`).catch((e: unknown) => setError(errorMessage(e)))}>{t('pty.import.template')}</Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      {job && (
        <div style={{ marginTop: 12 }} data-testid="party-import-job" data-status={job.status}>
          <div>
            {job.fileName} · {t(`pty.import.status.${job.status}`)}
          </div>
          <Progress percent={percent} status={job.status === 'failed' ? 'exception' : job.status === 'done' ? 'success' : 'active'} />
          <div>{t('pty.import.progress', { done: job.processedRows, total: job.totalRows ?? '?' })}</div>
          <div>{t('pty.import.counts', job.counts)}</div>
          {job.error && <Alert type="error" showIcon title={job.error} />}
          {job.counts.rejected > 0 && job.rejections && (
            <>
              <Table
                size="small"
                rowKey="rowNumber"
                style={{ marginTop: 8 }}
                pagination={false}
                dataSource={job.rejections.items}
                columns={[
                  { title: t('pty.import.row'), dataIndex: 'rowNumber', width: 60 },
                  { title: t('pty.import.reason'), dataIndex: 'reason' },
                ]}
              />
              <Button style={{ marginTop: 8 }} onClick={() => void api.download(`${IMPORTS_API}/${job.id}/rejections.xlsx`).catch((e: unknown) => setError(errorMessage(e)))}>
                {t('pty.import.rejections')}
              </Button>
            </>
          )}
        </div>
      )}
    </Card>
  );
}
