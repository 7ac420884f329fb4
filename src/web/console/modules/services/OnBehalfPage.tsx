import { useState } from 'react';
import { Link } from 'wouter';
import { Alert, Button, Flex, Form, Result, Select, Spin, Typography } from 'antd';
import { api } from '../../../shared/api.js';
import { useI18n } from '../../../shared/i18n.js';
import { useApi } from '../../../shared/use-api.js';
import type { MatterList, Prefill, Submitted } from '../../../shared/service-hall.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';
import { PersonPicker } from '../registry/common.js';
import { APPLICATIONS_API, MATTERS_API, text } from './common.js';
import { ApplicationForm } from './ApplicationForm.js';

/** The form of one matter for one resident, prefilled from their record. */
function OnBehalfForm({ prefill, onDone }: { prefill: Prefill; onDone: (s: Submitted) => void }) {
  const { t } = useI18n();
  return (
    <ApplicationForm
      prefill={prefill}
      testId="on-behalf"
      showPrefilled
      labels={{
        open: t('sv.ob.open', { code: prefill.openApplication?.code ?? '' }),
        prefilled: t('sv.ob.prefilled'),
        fields: t('sv.ob.fields'),
        materials: t('sv.ob.materials'),
        reason: t('sv.ob.reason'),
        reasonPlaceholder: t('sv.ob.reasonPlaceholder'),
        submit: t('sv.ob.submit'),
      }}
      submit={async (input) => onDone(await api.post<Submitted>(`${APPLICATIONS_API}/on-behalf`, { matterCode: prefill.matter.code, personId: prefill.applicant.personId, ...input }))}
    />
  );
}

/** 代办: staff search a resident, the form is prefilled from the record, and submit on their behalf with a reason. */
export default function OnBehalfPage() {
  const { t } = useI18n();
  useBreadcrumbs([{ title: t('sv.crumb') }, { title: t('sv.menu.onBehalf') }]);
  const [matter, setMatter] = useState<string | undefined>();
  const [personId, setPersonId] = useState<string | undefined>();
  const [done, setDone] = useState<Submitted | null>(null);
  const [round, setRound] = useState(0);
  const matters = useApi((signal) => api.get<MatterList>(MATTERS_API, { mode: 'online_any', limit: 200 }, signal), []);
  const prefill = useApi(
    (signal) => (matter && personId ? api.get<Prefill>(`${APPLICATIONS_API}/prefill`, { matter, personId }, signal) : Promise.resolve(undefined)),
    [matter, personId, round],
  );

  if (done) {
    return (
      <Result
        status="success"
        title={t('sv.ob.done', { code: done.code })}
        subTitle={`${done.receipt.matterName} · ${done.receipt.applicantName}`}
        extra={[
          <Link key="view" href={`/service-applications/${done.id}`}>
            <Button type="primary">{t('sv.ob.view')}</Button>
          </Link>,
          <Button
            key="again"
            onClick={() => {
              setDone(null);
              setPersonId(undefined);
              setRound((n) => n + 1);
            }}
          >
            {t('sv.ob.another')}
          </Button>,
        ]}
        data-testid="on-behalf-done"
      />
    );
  }

  return (
    <Flex vertical gap={12} style={{ maxWidth: 900 }}>
      <Typography.Text type="secondary">{t('sv.ob.intro')}</Typography.Text>
      <Form layout="vertical">
        <Form.Item label={t('sv.ob.matter')} required>
          <Select
            value={matter}
            onChange={setMatter}
            loading={matters.loading}
            // Found by its name, its group or its code (mostly pinyin: dibao, gaoling-jintie).
            showSearch={{ filterOption: (input, option) => !!option && `${option.label} ${option.value}`.toLowerCase().includes(input.trim().toLowerCase()) }}
            placeholder={t('sv.ob.matterPlaceholder')}
            options={(matters.data?.items ?? []).filter((m) => m.onlineApply).map((m) => ({ value: m.code, label: `${m.name}（${m.groupName}）` }))}
            data-testid="on-behalf-matter"
          />
        </Form.Item>
        <Form.Item label={t('sv.ob.person')} required>
          <PersonPicker value={personId} onChange={setPersonId} placeholder={t('sv.ob.personPlaceholder')} testId="on-behalf-person" />
        </Form.Item>
      </Form>
      {prefill.error && <Alert type="error" showIcon title={prefill.error.message} />}
      {matter && personId && prefill.loading && <Spin />}
      {prefill.data && (
        <>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {prefill.data.matter.name} · {text(prefill.data.applicant.name)} {prefill.data.applicant.communityName ? `（${prefill.data.applicant.communityName}）` : ''}
          </Typography.Title>
          <OnBehalfForm key={`${matter}-${personId}-${round}`} prefill={prefill.data} onDone={setDone} />
        </>
      )}
    </Flex>
  );
}
