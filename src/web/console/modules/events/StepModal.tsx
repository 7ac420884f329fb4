import { useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Modal, Radio, Space } from 'antd';
import { api, ApiError, errorMessage } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import type { AvailableStep, EventDetail, EventPage, StepBody } from '../../../shared/events.js';
import { AssigneePicker, assigneeBody, assigneeRule, EVENTS, PhotoUpload, RATINGS, useLabel, type AssigneeValue } from './common.js';

interface StepValues {
  comment?: string;
  assignee?: AssigneeValue;
  extensionHours?: number | null;
  rating?: string;
  mergeCode?: string;
  attachmentIds?: string[];
}

/** Steps whose form takes photos (the handler's progress and result, a check's findings). */
const PHOTO_STEPS = new Set(['progress', 'finish', 'rework', 'verify', 'request_extension', 'suspend']);

/**
 * The form a step needs, sent with the version the page showed (a step someone else took
 * first answers 409: the page offers to refresh).
 */
export function StepModal({ event, step, onClose, onDone, onRefresh }: { event: EventDetail; step: AvailableStep; onClose: () => void; onDone: () => void; onRefresh: () => void }) {
  const { t } = useI18n();
  const l = useLabel();
  const [form] = Form.useForm<StepValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; stale: boolean } | null>(null);
  const name = step.name;
  const isDispatch = name === 'dispatch' || name === 'redispatch';

  const submit = async (v: StepValues) => {
    setBusy(true);
    setError(null);
    try {
      const body: StepBody = { expectedVersion: event.version, comment: v.comment?.trim() || undefined };
      if (isDispatch) body.assignee = assigneeBody(v.assignee);
      if ((name === 'request_extension' || name === 'approve_extension') && v.extensionHours) body.extensionHours = v.extensionHours;
      if (name === 'rate') body.rating = v.rating as StepBody['rating'];
      if (v.attachmentIds?.length) body.attachmentIds = v.attachmentIds;
      if (name === 'merge') {
        const code = v.mergeCode!.trim();
        const found = await api.get<EventPage>(EVENTS, { q: code, pageSize: 5 });
        const target = found.items.find((e) => e.code === code);
        if (!target) {
          form.setFields([{ name: 'mergeCode', errors: [t('ev.step.mergeNotFound', { code })] }]);
          return;
        }
        body.mergeInto = target.id;
      }
      await api.post(`${EVENTS}/${encodeURIComponent(event.id)}/steps/${name}`, body);
      onDone();
    } catch (e) {
      const stale = e instanceof ApiError && e.status === 409 && e.code === 'WORKFLOW_CONFLICT';
      setError({ text: stale ? t('ev.step.conflict') : errorMessage(e), stale });
    } finally {
      setBusy(false);
    }
  };

  const title = t('ev.step.title', { step: l(step.label, name), code: event.code });
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={l(step.label, name)}
      cancelText={t('common.cancel')}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'step-submit' }}
      width={560}
    >
      <Form<StepValues> form={form} layout="vertical" initialValues={{ assignee: { kind: 'unit' } }} onFinish={(v) => void submit(v)} data-testid="step-form">
        {isDispatch && (
          <Form.Item name="assignee" label={t('ev.assignee.kind')} rules={[assigneeRule(t('ev.assignee.required'))]}>
            <AssigneePicker />
          </Form.Item>
        )}
        {name === 'request_extension' && (
          <Form.Item name="extensionHours" label={t('ev.step.hours')} rules={[{ required: true, message: t('common.required', { field: t('ev.step.hours') }) }]}>
            <InputNumber min={1} max={2000} precision={0} style={{ width: 160 }} data-testid="step-hours" />
          </Form.Item>
        )}
        {name === 'approve_extension' && (
          <Form.Item name="extensionHours" label={t('ev.step.hoursApprove')}>
            <InputNumber min={1} max={2000} precision={0} style={{ width: 160 }} data-testid="step-hours" />
          </Form.Item>
        )}
        {name === 'rate' && (
          <Form.Item name="rating" label={t('ev.step.rating')} rules={[{ required: true, message: t('common.required', { field: t('ev.step.rating') }) }]}>
            <Radio.Group optionType="button" options={RATINGS.map((r) => ({ value: r, label: t(`ev.rating.${r}`) }))} />
          </Form.Item>
        )}
        {name === 'merge' && (
          <Form.Item name="mergeCode" label={t('ev.step.mergeInto')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ev.step.mergeInto') }) }]}>
            <Input placeholder="SJ20261126-0001" maxLength={32} />
          </Form.Item>
        )}
        <Form.Item
          name="comment"
          label={step.requiresComment ? t('ev.step.comment') : t('ev.step.commentOptional')}
          extra={step.requiresComment ? t('ev.step.commentRequired') : undefined}
          rules={step.requiresComment ? [{ required: true, whitespace: true, message: t('ev.step.commentRequired') }] : []}
        >
          <Input.TextArea rows={3} maxLength={1000} showCount data-testid="step-comment" />
        </Form.Item>
        {PHOTO_STEPS.has(name) && (
          <Form.Item name="attachmentIds" label={t('ev.step.photos')}>
            <PhotoUpload testId="step-photos" />
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
              <Space>
                <Button size="small" onClick={onRefresh} data-testid="step-refresh">
                  {t('ev.step.refresh')}
                </Button>
              </Space>
            ) : undefined
          }
        />
      )}
    </Modal>
  );
}
