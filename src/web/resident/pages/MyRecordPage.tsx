import { useEffect, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import Input from 'antd-mobile/es/components/input';
import List from 'antd-mobile/es/components/list';
import TextArea from 'antd-mobile/es/components/text-area';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateLong, formatDateTimeLong } from '../../shared/dates.js';
import { addMessages, useI18n } from '../../shared/i18n.js';
import { CORRECTION_FIELDS, type AccessLogEntry, type Correction, type CorrectionField, type MyRecord } from '../../shared/registry.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import { InlineMessage } from '../components/InlineMessage.js';

// This page's words travel with it (a lazy chunk), so the home page does not download them.
addMessages({
  'myRecord.household': { 'zh-CN': '本户成员', en: 'My household' },
  'myRecord.householdNumber': { 'zh-CN': '户号 {number}', en: 'Household {number}' },
  'myRecord.noHousehold': { 'zh-CN': '暂未登记户信息', en: 'No household recorded' },
  'myRecord.noRecord': { 'zh-CN': '您的账号尚未关联居民档案，请联系所在社区或网格员。', en: 'Your account is not linked to a resident record yet; please contact your community or grid worker.' },
  'myRecord.loginFirst': { 'zh-CN': '登录后查看我的档案', en: 'Log in to see your record' },
  'myRecord.maskedHint': { 'zh-CN': '为保护您的信息，证件号码和手机号部分隐藏显示。', en: 'Parts of your ID and mobile numbers are hidden to protect them.' },
  'myRecord.correct': { 'zh-CN': '申请更正', en: 'Ask for a correction' },
  'myRecord.correctHint': { 'zh-CN': '信息有误？提交后由您的网格员核实办理，结果会显示在“我的申请”中。', en: 'Something wrong? Your grid worker checks it; the outcome appears under “My requests”.' },
  'myRecord.field': { 'zh-CN': '需要更正的项目', en: 'What is wrong' },
  'myRecord.value': { 'zh-CN': '正确的内容', en: 'The correct value' },
  'myRecord.valuePlaceholder': { 'zh-CN': '请填写正确的内容', en: 'Type the correct value' },
  'myRecord.note': { 'zh-CN': '补充说明（可不填）', en: 'Anything else (optional)' },
  'myRecord.submit': { 'zh-CN': '提交更正申请', en: 'Send the request' },
  'myRecord.submitted': { 'zh-CN': '已提交。网格员核实后会在“我的申请”中答复您。', en: 'Sent. Your grid worker will answer under “My requests”.' },
  'myRecord.needValue': { 'zh-CN': '请填写正确的内容或补充说明', en: 'Type the correct value or a note' },
  'myRecord.requests': { 'zh-CN': '我的申请', en: 'My requests' },
  'myRecord.noRequests': { 'zh-CN': '暂无更正申请', en: 'No requests yet' },
  'myRecord.requestedValue': { 'zh-CN': '更正为：{value}', en: 'Correct to: {value}' },
  'myRecord.response': { 'zh-CN': '答复：{response}', en: 'Answer: {response}' },
  'myRecord.access': { 'zh-CN': '谁查看了我的信息', en: 'Who viewed my data' },
  'myRecord.accessHint': {
    'zh-CN': '依据《个人信息保护法》，工作人员和政府部门每次查看、导出您的信息都会记录查看人、所属部门和用途。',
    en: 'Under the Personal Information Protection Law, every time staff or a department view or export your data, who, for which department and why is recorded.',
  },
  'myRecord.noAccess': { 'zh-CN': '暂无查看记录', en: 'Nobody has viewed your data' },
  'myRecord.staff': { 'zh-CN': '社区/网格工作人员', en: 'Community or grid staff' },
  'myRecord.purpose': { 'zh-CN': '用途：{purpose}', en: 'Purpose: {purpose}' },
  'myRecord.noPurpose': { 'zh-CN': '用途：未注明', en: 'Purpose: not given' },
  'myRecord.more': { 'zh-CN': '查看更多', en: 'Show more' },
  'myRecord.total': { 'zh-CN': '共 {total} 条', en: '{total} in all' },
});

const ACCESS_PAGE = 20;

function val(v: string | null | undefined) {
  return v === null || v === undefined || v === '' ? '—' : v;
}

function RecordSection({ record }: { record: MyRecord }) {
  const { t } = useI18n();
  const p = record.person;
  const rows: [string, string][] = [
    ['person.name', p.name],
    ['person.gender', p.gender],
    ['person.birthDate', formatDateLong(p.birthDate)],
    ['person.idType', p.idType],
    ['person.idNumber', val(p.idNumber)],
    ['person.phone', val(p.phone)],
    ['person.ethnicity', val(p.ethnicity)],
    ['person.politicalStatus', val(p.politicalStatus)],
    ['person.education', val(p.education)],
    ['person.maritalStatus', val(p.maritalStatus)],
    ['person.occupation', val(p.occupation)],
    ['person.hukouAddress', val(p.hukouAddress)],
    ['person.address', val(p.address)],
    ['person.residenceType', p.residenceType],
    ['person.householdResidenceStatus', val(p.householdResidenceStatus)],
    ['person.relationToHead', val(p.relationToHeadName)],
  ];
  return (
    <section className="r-card" aria-labelledby="record-title" data-testid="my-record">
      <h2 id="record-title">{t('myRecord.title')}</h2>
      <p className="r-muted">{t('myRecord.maskedHint')}</p>
      <dl className="r-facts">
        {rows.map(([k, v]) => (
          <div key={k} className="r-fact">
            <dt>{t(k)}</dt>
            <dd>{v || '—'}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function HouseholdSection({ household }: { household: MyRecord['household'] }) {
  const { t } = useI18n();
  return (
    <section className="r-card" aria-labelledby="household-title" data-testid="my-household">
      <h2 id="household-title">{t('myRecord.household')}</h2>
      {household ? (
        <>
          <p className="r-muted">{t('myRecord.householdNumber', { number: household.number })}</p>
          <List>
            {household.members.map((m, i) => (
              <List.Item key={i} extra={m.isHead ? t('person.head') : val(m.relationToHeadName)}>
                {m.name}
                {m.isSelf && <span className="r-status-tag">{t('person.self')}</span>}
              </List.Item>
            ))}
          </List>
        </>
      ) : (
        <p className="r-muted">{t('myRecord.noHousehold')}</p>
      )}
    </section>
  );
}

function CorrectionSection({ onFiled }: { onFiled: () => void }) {
  const { t } = useI18n();
  const [field, setField] = useState<CorrectionField>('phone');
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!value.trim() && !note.trim()) return setResult({ kind: 'error', text: t('myRecord.needValue') });
    setBusy(true);
    setResult(null);
    try {
      await api.post('/api/v1/me/corrections', { field, requestedValue: value.trim() || null, note: note.trim() || null });
      setValue('');
      setNote('');
      setResult({ kind: 'success', text: t('myRecord.submitted') });
      onFiled();
    } catch (err) {
      setResult({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const label = (f: CorrectionField) => (f === 'other' ? t('person.other') : t(`person.${f}`));
  return (
    <form className="r-card" onSubmit={submit} noValidate aria-labelledby="correct-title" data-testid="my-correction">
      <h2 id="correct-title">{t('myRecord.correct')}</h2>
      <p className="r-muted">{t('myRecord.correctHint')}</p>
      <div className="r-field">
        <label htmlFor="correct-field">{t('myRecord.field')}</label>
        <select id="correct-field" className="r-select" value={field} onChange={(e) => setField(e.target.value as CorrectionField)} data-testid="correct-field">
          {CORRECTION_FIELDS.map((f) => (
            <option key={f} value={f}>
              {label(f)}
            </option>
          ))}
        </select>
      </div>
      <div className="r-field">
        <label htmlFor="correct-value">{t('myRecord.value')}</label>
        <div className="r-input">
          <Input id="correct-value" value={value} onChange={setValue} maxLength={200} placeholder={t('myRecord.valuePlaceholder')} data-testid="correct-value" />
        </div>
      </div>
      <div className="r-field">
        <label htmlFor="correct-note">{t('myRecord.note')}</label>
        <div className="r-input">
          <TextArea id="correct-note" value={note} onChange={setNote} maxLength={500} rows={2} autoSize={{ minRows: 2, maxRows: 5 }} />
        </div>
      </div>
      {result && <InlineMessage kind={result.kind}>{result.text}</InlineMessage>}
      <Button block color="primary" size="large" type="submit" loading={busy} data-testid="correct-submit">
        {t('myRecord.submit')}
      </Button>
    </form>
  );
}

function RequestsSection({ version }: { version: number }) {
  const { t } = useI18n();
  const mine = useApi((signal) => api.get<{ items: Correction[] }>('/api/v1/me/corrections', undefined, signal), [version]);
  const items = mine.data?.items ?? [];
  return (
    <section className="r-card" aria-labelledby="requests-title" data-testid="my-requests">
      <h2 id="requests-title">{t('myRecord.requests')}</h2>
      {mine.error ? (
        <InlineMessage kind="error">{mine.error.message}</InlineMessage>
      ) : mine.loading && !mine.data ? (
        <div className="r-loading">{t('common.loading')}</div>
      ) : items.length === 0 ? (
        <p className="r-muted">{t('myRecord.noRequests')}</p>
      ) : (
        <ul className="r-entries">
          {items.map((c) => (
            <li key={c.id}>
              <div className="r-entry-head">
                <strong>{c.fieldLabel}</strong>
                <span className="r-status-tag">{t(`correction.status.${c.status}`)}</span>
              </div>
              {c.requestedValue && <div>{t('myRecord.requestedValue', { value: c.requestedValue })}</div>}
              {c.note && <div className="r-muted">{c.note}</div>}
              {c.response && <div>{t('myRecord.response', { response: c.response })}</div>}
              <div className="r-muted">{formatDateTimeLong(c.createdAt)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AccessSection() {
  const { t } = useI18n();
  // Pages are fetched one at a time and kept, so 查看更多 adds to the list.
  const [page, setPage] = useState(1);
  const [pages, setPages] = useState<AccessLogEntry[][]>([]);
  const log = useApi((signal) => api.get<{ items: AccessLogEntry[]; total: number }>('/api/v1/me/access-log', { page, pageSize: ACCESS_PAGE }, signal), [page]);
  useEffect(() => {
    if (!log.data) return;
    const items = log.data.items;
    setPages((old) => {
      const next = old.slice(0, page - 1);
      next[page - 1] = items;
      return next;
    });
  }, [log.data, page]);
  const items = pages.length ? pages.flat() : (log.data?.items ?? []);
  return (
    <section className="r-card" aria-labelledby="access-title" data-testid="my-access-log">
      <h2 id="access-title">{t('myRecord.access')}</h2>
      <p className="r-muted">{t('myRecord.accessHint')}</p>
      {log.error ? (
        <InlineMessage kind="error">{log.error.message}</InlineMessage>
      ) : log.loading && !log.data ? (
        <div className="r-loading">{t('common.loading')}</div>
      ) : items.length === 0 ? (
        <p className="r-muted">{t('myRecord.noAccess')}</p>
      ) : (
        <>
          <p className="r-muted">{t('myRecord.total', { total: log.data?.total ?? items.length })}</p>
          <ul className="r-entries">
            {items.map((a) => (
              <li key={a.id} data-testid="access-entry">
                <div className="r-entry-head">
                  <strong>{a.actorName ?? '—'}</strong>
                  <span className="r-status-tag">{t(`access.kind.${a.kind}`)}</span>
                </div>
                <div>{a.departmentName ?? t('myRecord.staff')}</div>
                <div>{a.purpose ? t('myRecord.purpose', { purpose: a.purpose }) : t('myRecord.noPurpose')}</div>
                <div className="r-muted">
                  <time dateTime={a.at}>{formatDateTimeLong(a.at)}</time>
                </div>
              </li>
            ))}
          </ul>
          {(log.data?.total ?? 0) > items.length && (
            <Button block size="large" loading={log.loading} onClick={() => setPage(pages.length + 1)}>
              {t('myRecord.more')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

/** 我的档案: the resident's own record and household, corrections, and who viewed their data (PIPL right to know). */
export default function MyRecordPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const [filed, setFiled] = useState(0);
  const ready = session.status === 'ready';
  const record = useApi((signal) => (ready ? api.get<MyRecord>('/api/v1/me/record', undefined, signal) : Promise.resolve(undefined)), [ready]);

  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') {
    return (
      <section className="r-card">
        <h2>{t('myRecord.title')}</h2>
        <p className="r-muted">{t('myRecord.loginFirst')}</p>
        <Button block color="primary" size="large" onClick={() => navigate('/login')}>
          {t('common.login')}
        </Button>
      </section>
    );
  }
  if (record.error) {
    return (
      <section className="r-card">
        <h2>{t('myRecord.title')}</h2>
        <InlineMessage kind={record.error.code === 'NO_PERSON_RECORD' ? 'info' : 'error'}>{record.error.code === 'NO_PERSON_RECORD' ? t('myRecord.noRecord') : record.error.message}</InlineMessage>
      </section>
    );
  }
  if (!record.data) return <div className="r-loading">{t('common.loading')}</div>;
  return (
    <>
      <RecordSection record={record.data} />
      <HouseholdSection household={record.data.household} />
      <CorrectionSection onFiled={() => setFiled((n) => n + 1)} />
      <RequestsSection version={filed} />
      <AccessSection />
    </>
  );
}
