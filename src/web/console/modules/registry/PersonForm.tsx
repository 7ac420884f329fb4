import { useState } from 'react';
import { Alert, Col, Form, Input, Modal, Row, Select, Typography } from 'antd';
import { api } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { applyServerErrors, codeOptions, OrgNodeSelect, plainOptions, useCodes, useTagDefinitions } from './common.js';
import type { PersonDetail, PersonRecord } from './types.js';

interface Values {
  name?: string;
  idType?: string;
  idNumber?: string;
  gender?: string;
  birthDate?: string;
  ethnicity?: string;
  politicalStatus?: string;
  education?: string;
  maritalStatus?: string;
  phone?: string;
  hukouAddress?: string;
  residenceType?: string;
  householdResidenceStatus?: string;
  relationToHead?: string;
  occupation?: string;
  dwellingId?: string;
  communityId?: string;
  householdNumber?: string;
  tags?: string[];
  reason?: string;
}

/** Every field the server may name in error.details, so its message lands beside the field. */
const FIELDS = [
  'name',
  'idType',
  'idNumber',
  'gender',
  'birthDate',
  'ethnicity',
  'politicalStatus',
  'education',
  'maritalStatus',
  'phone',
  'hukouAddress',
  'residenceType',
  'householdResidenceStatus',
  'relationToHead',
  'occupation',
  'dwellingId',
  'communityId',
  'householdNumber',
  'tags',
  'reason',
] as const;

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const clean = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

/**
 * Registers a person (POST /api/v1/people) or changes one (PATCH, only the fields that
 * changed, with a reason for the history). Selects come from GET /api/v1/registry/codes; the
 * server's validation errors are shown beside their fields.
 */
export function PersonFormModal({ initial, onClose, onSaved }: { initial?: PersonDetail; onClose: () => void; onSaved: (p: PersonRecord) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const codes = useCodes();
  const tagDefs = useTagDefinitions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editing = !!initial;
  const known: Values = initial
    ? {
        name: initial.name,
        idType: initial.idType,
        gender: initial.gender,
        birthDate: initial.birthDate ?? undefined,
        ethnicity: initial.ethnicity ?? undefined,
        residenceType: initial.residenceType,
        dwellingId: initial.dwellingId ?? undefined,
      }
    : { idType: '居民身份证', residenceType: '户籍人口' };

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      let saved: PersonRecord;
      if (editing) {
        // Only what changed: a field the detail does not show stays as it is unless typed.
        const patch: Record<string, unknown> = {};
        for (const f of FIELDS) {
          if (f === 'tags' || f === 'householdNumber' || f === 'reason') continue;
          const now = clean(v[f]);
          const before = known[f];
          if (before === undefined ? !blank(now) : now !== before) patch[f] = blank(now) ? null : now;
        }
        if (!blank(v.reason)) patch.reason = clean(v.reason);
        saved = await api.patch<PersonRecord>(`/api/v1/people/${encodeURIComponent(initial.id)}`, patch);
      } else {
        const body: Record<string, unknown> = {};
        for (const f of FIELDS) {
          if (f === 'reason' || blank(v[f]) || (Array.isArray(v[f]) && (v[f] as string[]).length === 0)) continue;
          body[f] = clean(v[f]);
        }
        // A person without a number yet (a newborn) is sent with null, as the API asks.
        if (!('idNumber' in body)) body.idNumber = null;
        saved = await api.post<PersonRecord>('/api/v1/people', body);
      }
      onSaved(saved);
    } catch (e) {
      setError(applyServerErrors(form, e, FIELDS));
    } finally {
      setBusy(false);
    }
  };

  const c = codes.data;
  const select = (name: keyof Values, label: string, options: { value: string; label: string }[], extra: object = {}) => (
    <Col span={12}>
      <Form.Item name={name} label={label}>
        <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={options} {...extra} />
      </Form.Item>
    </Col>
  );
  const input = (name: keyof Values, label: string, extra: object = {}, itemExtra: object = {}) => (
    <Col span={12}>
      <Form.Item name={name} label={label} {...itemExtra}>
        <Input {...extra} />
      </Form.Item>
    </Col>
  );

  return (
    <Modal
      open
      width={860}
      title={editing ? t('reg.person.editTitle') : t('reg.person.newTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={t('reg.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
      data-testid="person-form"
    >
      {editing && <Typography.Paragraph type="secondary">{t('reg.person.editGap')}</Typography.Paragraph>}
      <Form<Values> form={form} layout="vertical" initialValues={known} onFinish={(v) => void submit(v)} onValuesChange={() => setError(null)}>
        <Row gutter={16}>
          {input('name', t('person.name'), { maxLength: 50, 'data-testid': 'form-name' }, { rules: [{ required: true, message: t('common.required', { field: t('person.name') }) }] })}
          {select('idType', t('person.idType'), plainOptions(c?.idTypes))}
          {input('idNumber', t('person.idNumber'), { maxLength: 40, placeholder: editing && initial.idNumber ? `${initial.idNumber}（${t('reg.person.keepHint')}）` : undefined, 'data-testid': 'form-id-number' })}
          {select('gender', t('person.gender'), plainOptions(['男', '女']), { placeholder: t('reg.person.derivedHint') })}
          {input('birthDate', t('person.birthDate'), { placeholder: t('reg.person.datePlaceholder') })}
          {input('phone', t('person.phone'), { maxLength: 20, placeholder: editing && initial.phone ? `${initial.phone}（${t('reg.person.keepHint')}）` : undefined })}
          {select('ethnicity', t('person.ethnicity'), codeOptions(c?.ethnicity))}
          {select('politicalStatus', t('person.politicalStatus'), codeOptions(c?.politicalStatus))}
          {select('education', t('person.education'), codeOptions(c?.education))}
          {select('maritalStatus', t('person.maritalStatus'), codeOptions(c?.maritalStatus))}
          <Col span={12}>
            <Form.Item name="residenceType" label={t('person.residenceType')} rules={editing ? [] : [{ required: true, message: t('common.required', { field: t('person.residenceType') }) }]}>
              <Select options={plainOptions(c?.residenceTypes)} />
            </Form.Item>
          </Col>
          {select('householdResidenceStatus', t('person.householdResidenceStatus'), plainOptions(c?.householdResidenceStatuses))}
          {select('relationToHead', t('person.relationToHead'), codeOptions(c?.relationToHead))}
          {input('occupation', t('person.occupation'), { maxLength: 100 })}
          <Col span={24}>
            <Form.Item name="hukouAddress" label={t('person.hukouAddress')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="dwellingId" label={t('reg.person.place')} extra={t('reg.person.placeHint')}>
              <OrgNodeSelect deepest="dwelling" selectable={['dwelling']} placeholder={t('reg.dwellingPlaceholder')} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="communityId" label={t('reg.person.community')}>
              <OrgNodeSelect selectable={['community', 'grid']} style={{ width: '100%' }} testId="form-community" />
            </Form.Item>
          </Col>
          {!editing && (
            <>
              {input('householdNumber', t('person.householdNumber'), { maxLength: 30 })}
              <Col span={12}>
                <Form.Item name="tags" label={t('reg.person.tagsInitial')}>
                  <Select mode="multiple" allowClear options={(tagDefs.data?.items ?? []).filter((d) => !d.derived).map((d) => ({ value: d.code, label: d.code }))} />
                </Form.Item>
              </Col>
            </>
          )}
          {editing && (
            <Col span={24}>
              <Form.Item name="reason" label={t('reg.reasonOptional')}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
          )}
        </Row>
      </Form>
      {error && <Alert type="error" showIcon title={error} data-testid="person-form-error" />}
    </Modal>
  );
}
