import { useEffect, useRef, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Flex, Form, Progress, Row, Space, Statistic, Table, Tag, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, ApiError, errorMessage } from '../../../shared/api.js';
import { formatDateTime } from '../../../shared/dates.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import { NotEnabled } from '../../components/NotEnabled.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { OrgNodeSelect, useDownload } from './common.js';
import type { ImportDetail, ImportJob, ImportStatus, Paged, Rejection } from './types.js';

const PATH = '/api/v1/imports';
/** How often a running import is asked for its progress. */
const POLL_MS = 1000;

const STATUS_COLOURS: Record<ImportStatus, string> = { queued: 'default', running: 'processing', done: 'success', failed: 'error' };

function StatusTag({ status }: { status: ImportStatus }) {
  const { t } = useI18n();
  return <Tag color={STATUS_COLOURS[status]}>{t(`reg.imports.status.${status}`)}</Tag>;
}

function percentOf(job: ImportJob): number {
  if (job.status === 'done') return 100;
  if (!job.totalRows) return 0;
  return Math.min(99, Math.floor((job.processedRows / job.totalRows) * 100));
}

/** Polls GET /api/v1/imports/:id every second until the job is done or failed. */
function useImportJob(id: string, onFinished: () => void) {
  const [job, setJob] = useState<ImportDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setJob(null);
    setError(null);
    const poll = async () => {
      try {
        const j = await api.get<ImportDetail>(`${PATH}/${encodeURIComponent(id)}`);
        if (!live) return;
        setJob(j);
        if (j.status === 'queued' || j.status === 'running') timer = setTimeout(() => void poll(), POLL_MS);
        else finished.current();
      } catch (e) {
        if (live) setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', String(e)));
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);
  return { job, error };
}

function Rejections({ job }: { job: ImportDetail }) {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const pageSize = job.rejections.pageSize;
  const more = useApi(
    (signal) => (page === 1 ? Promise.resolve(job.rejections) : api.get<Paged<Rejection>>(`${PATH}/${encodeURIComponent(job.id)}/rejections`, { page, pageSize }, signal)),
    [job.id, page, job.rejections],
  );
  const columns: ColumnsType<Rejection> = [
    { title: t('reg.imports.rowNumber'), dataIndex: 'rowNumber', width: 80 },
    { title: t('reg.imports.rowReason'), dataIndex: 'reason', render: (v: string) => <Typography.Text type="danger">{v}</Typography.Text> },
    {
      title: t('reg.imports.rowData'),
      dataIndex: 'raw',
      render: (raw: Record<string, string>) => (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {Object.entries(raw)
            .filter(([, v]) => v !== '')
            .map(([k, v]) => `${k}：${v}`)
            .join('；')}
        </Typography.Text>
      ),
    },
  ];
  return (
    <Table<Rejection>
      rowKey="rowNumber"
      size="small"
      loading={more.loading}
      columns={columns}
      dataSource={more.data?.items ?? []}
      data-testid="import-rejections"
      pagination={{ current: page, pageSize, total: job.rejections.total, onChange: setPage, hideOnSinglePage: true }}
    />
  );
}

function JobDetail({ id, onFinished }: { id: string; onFinished: () => void }) {
  const { t } = useI18n();
  const { job, error } = useImportJob(id, onFinished);
  const report = useDownload();
  if (error) return <Alert type="error" showIcon title={error.message} />;
  if (!job) return <Card loading />;
  const running = job.status === 'queued' || job.status === 'running';
  return (
    <Card
      title={t('reg.imports.detail', { name: job.fileName })}
      extra={job.dryRun ? <Tag color="gold">{t('reg.imports.modeDry')}</Tag> : <Tag color="blue">{t('reg.imports.modeReal')}</Tag>}
      data-testid="import-detail"
    >
      <Flex vertical gap={16}>
        <Flex align="center" gap={12}>
          <span data-testid="import-status">
            <StatusTag status={job.status} />
          </span>
          <Progress
            percent={percentOf(job)}
            status={job.status === 'failed' ? 'exception' : job.status === 'done' ? 'success' : 'active'}
            style={{ flex: 1, margin: 0 }}
            data-testid="import-progress"
          />
        </Flex>
        <Typography.Text type="secondary">
          {job.totalRows !== null ? t('reg.imports.rows', { processed: job.processedRows, total: job.totalRows }) : t('reg.imports.rowsUnknown', { processed: job.processedRows })}
        </Typography.Text>
        {job.error && <Alert type={job.status === 'failed' ? 'error' : 'warning'} showIcon title={job.error} />}
        <Row gutter={16}>
          {(['created', 'updated', 'unchanged', 'rejected'] as const).map((k) => (
            <Col span={6} key={k}>
              <Statistic
                title={t(`reg.imports.${k}`)}
                value={job.counts[k]}
                styles={k === 'rejected' && job.counts.rejected > 0 ? { content: { color: '#b3261e' } } : undefined}
                data-testid={`import-count-${k}`}
              />
            </Col>
          ))}
        </Row>
        <Descriptions
          size="small"
          column={3}
          items={[
            { key: 'target', label: t('reg.imports.target.at'), children: job.orgNodeName ?? '—' },
            { key: 'created', label: t('reg.imports.started'), children: formatDateTime(job.createdAt) },
            { key: 'finished', label: t('reg.imports.finished'), children: formatDateTime(job.finishedAt) || '—' },
          ]}
        />
        {job.dryRun && job.status === 'done' && <Alert type="info" showIcon title={t('reg.imports.dryNote')} />}
        {!running && job.counts.rejected > 0 && (
          <Flex vertical gap={8}>
            <Flex justify="space-between" align="center">
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('reg.imports.rejections')}（{job.rejections.total}）
              </Typography.Title>
              <Button loading={report.busy} onClick={() => void report.run(`${PATH}/${encodeURIComponent(job.id)}/rejections.xlsx`, undefined, 'rejections.xlsx')} data-testid="import-report">
                {t('reg.imports.report')}
              </Button>
            </Flex>
            {report.view}
            <Rejections job={job} />
          </Flex>
        )}
      </Flex>
    </Card>
  );
}

function UploadCard({ onStarted }: { onStarted: (job: ImportJob) => void }) {
  const { t } = useI18n();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [dryRun, setDryRun] = useState(false);
  const [communityId, setCommunityId] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const template = useDownload();

  const start = async () => {
    const file = files[0]?.originFileObj;
    if (!file) return setError(t('reg.imports.noFile'));
    setBusy(true);
    setError(null);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      // Options go in the query string: the server reads form fields only before the file.
      const job = await api.upload<ImportJob>(`${PATH}/people`, form, { dryRun: dryRun ? 'true' : undefined, communityId });
      setFiles([]);
      onStarted(job);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('reg.imports.title')} extra={<Button onClick={() => void template.run(`${PATH}/template.xlsx`, undefined, 'template.xlsx')} loading={template.busy} data-testid="import-template">{t('reg.imports.template')}</Button>}>
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">{t('reg.imports.hint')}</Typography.Text>
        {template.view}
        <Form layout="vertical">
          <Form.Item label={t('reg.imports.file')} required>
            <Upload
              accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
              maxCount={1}
              fileList={files}
              beforeUpload={() => false}
              onChange={({ fileList }) => {
                setFiles(fileList.slice(-1));
                setError(null);
              }}
              data-testid="import-file"
            >
              <Button>{t('reg.imports.file')}</Button>
            </Upload>
          </Form.Item>
          <Form.Item label={t('reg.imports.target')} extra={t('reg.imports.targetHint')}>
            <OrgNodeSelect value={communityId} onChange={setCommunityId} selectable={['community', 'grid']} style={{ width: 320 }} />
          </Form.Item>
          <Form.Item>
            <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} data-testid="import-dry-run">
              {t('reg.imports.dryRun')}
            </Checkbox>
          </Form.Item>
          <Space>
            <Button type="primary" loading={busy} onClick={() => void start()} data-testid="import-start">
              {dryRun ? t('reg.imports.startDry') : t('reg.imports.start')}
            </Button>
          </Space>
        </Form>
        {error && <Alert type="error" showIcon title={error} data-testid="import-error" />}
      </Flex>
    </Card>
  );
}

export default function ImportsPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  useBreadcrumbs(id ? [{ title: t('reg.menu.imports'), href: '/imports' }, { title: t('reg.imports.detailCrumb') }] : [{ title: t('reg.menu.imports') }]);
  const [page, setPage] = useState(1);
  const jobs = useApi((signal) => api.get<Paged<ImportJob>>(PATH, { page, pageSize: 10 }, signal), [page]);
  if (jobs.missing) return <NotEnabled path={PATH} />;

  const columns: ColumnsType<ImportJob> = [
    { title: t('reg.imports.fileName'), dataIndex: 'fileName' },
    { title: t('reg.imports.mode'), dataIndex: 'dryRun', width: 80, render: (v: boolean) => (v ? <Tag color="gold">{t('reg.imports.modeDry')}</Tag> : t('reg.imports.modeReal')) },
    { title: t('reg.imports.status'), dataIndex: 'status', width: 90, render: (v: ImportStatus) => <StatusTag status={v} /> },
    {
      title: t('reg.imports.result'),
      key: 'counts',
      render: (_: unknown, j) => (
        <Flex gap={4} wrap>
          {(['created', 'updated', 'unchanged', 'rejected'] as const)
            .filter((k) => j.counts[k] > 0)
            .map((k) => (
              <Tag key={k} color={k === 'rejected' ? 'red' : undefined} style={{ marginInlineEnd: 0 }}>
                {t(`reg.imports.${k}`)} {j.counts[k]}
              </Tag>
            ))}
        </Flex>
      ),
    },
    { title: t('reg.imports.started'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
  ];

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={10}>
        <Flex vertical gap={16}>
          <UploadCard
            onStarted={(job) => {
              jobs.reload();
              navigate(`/imports/${job.id}`);
            }}
          />
          <Card title={t('reg.imports.jobs')}>
            {jobs.error ? (
              <Alert type="error" showIcon title={jobs.error.message} />
            ) : (
              <Table<ImportJob>
                rowKey="id"
                size="small"
                loading={jobs.loading}
                columns={columns}
                dataSource={jobs.data?.items ?? []}
                data-testid="import-jobs"
                rowClassName={(j) => (j.id === id ? 'ant-table-row-selected' : '')}
                onRow={(j) => ({ onClick: () => navigate(`/imports/${j.id}`), style: { cursor: 'pointer' } })}
                pagination={{ current: page, pageSize: 10, total: jobs.data?.total ?? 0, onChange: setPage, hideOnSinglePage: true }}
              />
            )}
          </Card>
        </Flex>
      </Col>
      <Col xs={24} xl={14}>{id ? <JobDetail key={id} id={id} onFinished={jobs.reload} /> : <Card><Typography.Text type="secondary">{t('reg.imports.noneSelected')}</Typography.Text></Card>}</Col>
    </Row>
  );
}
