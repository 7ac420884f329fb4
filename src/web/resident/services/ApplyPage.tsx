import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import { api, errorMessage } from '../../shared/api.js';
import { formatDateTimeLong } from '../../shared/dates.js';
import { hasMessage, useI18n } from '../../shared/i18n.js';
import { useSession } from '../../shared/session.js';
import { useApi } from '../../shared/use-api.js';
import type { FormValue, Prefill, PrefillField, Receipt, Submitted } from '../../shared/service-hall.js';
import { InlineMessage } from '../components/InlineMessage.js';
import { formFieldErrors, InlineLogin, MaterialFiles, materialOfError, MY_APPLICATIONS_API, type UploadedFile } from './common.js';

function fieldLabel(f: PrefillField, locale: string) {
  return locale === 'en' && f.labelEn ? f.labelEn : f.label;
}

/** A value as the page shows it (prefilled, or read back in 我的办事). */
export function valueText(v: FormValue | undefined, t: (k: string) => string): string {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.join('、') : '—';
  if (typeof v === 'boolean') return v ? t('rsv.a.yes') : '—';
  return String(v);
}

/** One form field, drawn from its definition (form as data); the server's message shows under it. */
function FieldInput({ f, value, onChange, error }: { f: PrefillField; value: FormValue | undefined; onChange: (v: FormValue) => void; error?: string }) {
  const { t, locale } = useI18n();
  const id = `field-${f.key}`;
  const label = `${fieldLabel(f, locale)}${f.required ? '' : t('rsv.a.optional')}`;
  const describedBy = [f.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy, 'data-testid': id } as const;
  const str = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  let control;
  if (f.type === 'checkbox') {
    return (
      <div className={`r-field${error ? ' rsv-field-invalid' : ''}`}>
        <label className="rev-check" style={{ fontWeight: 600 }}>
          <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} {...common} />
          {label}
        </label>
        {f.help && <div id={`${id}-help`} className="r-muted">{f.help}</div>}
        {error && <div id={`${id}-error`} className="rsv-error" data-testid={`${id}-error`}>{error}</div>}
      </div>
    );
  }
  if (f.type === 'multiselect') {
    const list = Array.isArray(value) ? value : [];
    return (
      <fieldset className={`r-field${error ? ' rsv-field-invalid' : ''}`} style={{ border: 0, padding: 0, margin: '0 0 12px' }} aria-describedby={describedBy} data-testid={id}>
        <legend style={{ fontWeight: 600, padding: 0 }}>{label}</legend>
        {(f.options ?? []).map((o) => (
          <label key={o.value} className="rev-check">
            <input type="checkbox" checked={list.includes(o.value)} onChange={(e) => onChange(e.target.checked ? [...list, o.value] : list.filter((x) => x !== o.value))} />
            {o.label}
          </label>
        ))}
        {f.help && <div id={`${id}-help`} className="r-muted">{f.help}</div>}
        {error && <div id={`${id}-error`} className="rsv-error" data-testid={`${id}-error`}>{error}</div>}
      </fieldset>
    );
  }
  if (f.type === 'select') {
    control = (
      <select className="r-select" value={str} onChange={(e) => onChange(e.target.value)} {...common}>
        <option value="">{t('rsv.a.choose')}</option>
        {(f.options ?? []).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (f.type === 'textarea') {
    control = <textarea className="rev-textinput" rows={4} maxLength={f.maxLength ?? 2000} value={str} placeholder={f.placeholder} onChange={(e) => onChange(e.target.value)} {...common} />;
  } else {
    const type = f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : f.type === 'phone' ? 'tel' : 'text';
    control = (
      <input
        className="rev-textinput"
        type={type}
        inputMode={f.type === 'number' ? 'decimal' : f.type === 'phone' ? 'tel' : undefined}
        min={f.type === 'number' ? f.min : undefined}
        max={f.type === 'number' ? f.max : undefined}
        maxLength={f.type === 'number' || f.type === 'date' ? undefined : (f.maxLength ?? 200)}
        placeholder={f.placeholder}
        value={str}
        onChange={(e) => onChange(f.type === 'number' && e.target.value !== '' && Number.isFinite(Number(e.target.value)) ? Number(e.target.value) : e.target.value)}
        {...common}
      />
    );
  }
  return (
    <div className={`r-field${error ? ' rsv-field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {control}
      {f.help && <div id={`${id}-help`} className="r-muted">{f.help}</div>}
      {error && (
        <div id={`${id}-error`} className="rsv-error" data-testid={`${id}-error`}>
          {error}
        </div>
      )}
    </div>
  );
}

/** 申请回执: the number and what happens next, shown at once after submitting. */
export function ReceiptCard({ receipt, id }: { receipt: Receipt; id: string }) {
  const { t } = useI18n();
  const rows: [string, string][] = [
    [t('rsv.r.matter'), receipt.matterName],
    [t('rsv.r.applicant'), receipt.applicantName],
    [t('rsv.r.submittedAt'), formatDateTimeLong(receipt.submittedAt)],
    ...(receipt.acceptDueAt ? [[t('rsv.r.acceptDue'), formatDateTimeLong(receipt.acceptDueAt)] as [string, string]] : []),
    [t('rsv.g.timeLimit'), receipt.timeLimitDays === 0 ? t('rsv.sameDay') : t('rsv.days', { n: receipt.timeLimitDays })],
    [t('rsv.g.department'), receipt.department],
    [t('rsv.r.place'), receipt.place],
    ...(receipt.phone ? [[t('rsv.g.phone'), receipt.phone] as [string, string]] : []),
  ];
  return (
    <section className="r-card rsv-receipt" aria-labelledby="rsv-receipt-title" data-testid="receipt">
      <h2 id="rsv-receipt-title">✓ {t('rsv.r.title')}</h2>
      <p style={{ margin: '0 0 8px' }}>
        {t('rsv.r.code')}：<span className="rsv-code" data-testid="receipt-code">{receipt.code}</span>
      </p>
      <dl className="r-facts">
        {rows.map(([k, v]) => (
          <div key={k} className="r-fact">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
        <div className="r-fact">
          <dt>{t('rsv.r.materials')}</dt>
          <dd>
            {receipt.materials.map((m) => (
              <div key={m.code}>
                {m.name}：{m.files > 0 ? t('rsv.r.files', { n: m.files }) : m.onPaper ? t('rsv.r.onPaper') : t('rsv.r.none')}
              </div>
            ))}
          </dd>
        </div>
      </dl>
      {receipt.notes.length > 0 && (
        <ul className="rsv-list r-muted" style={{ marginTop: 8 }}>
          {receipt.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      <Link href={`/services/applications/${encodeURIComponent(id)}`} className="rsv-link-button rsv-link-button-primary" style={{ marginTop: 12 }} data-testid="receipt-progress">
        {t('rsv.r.progress')}
      </Link>
    </section>
  );
}

function ApplyForm({ prefill }: { prefill: Prefill }) {
  const { t, locale } = useI18n();
  const [values, setValues] = useState<Record<string, FormValue>>(() => Object.fromEntries(prefill.fields.filter((f) => !f.readOnly && f.value !== undefined).map((f) => [f.key, f.value!])));
  const [files, setFiles] = useState<Record<string, UploadedFile[]>>({});
  const [fieldErrs, setFieldErrs] = useState<Record<string, string>>({});
  const [materialErrs, setMaterialErrs] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Submitted | null>(null);

  if (done) return <ReceiptCard receipt={done.receipt} id={done.id} />;

  const readOnly = prefill.fields.filter((f) => f.readOnly);
  const editable = prefill.fields.filter((f) => !f.readOnly);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Required uploads are marked here as well: the server names only the first one missing.
    const missing = Object.fromEntries(prefill.materials.filter((m) => m.required && !(files[m.code]?.length)).map((m) => [m.code, t('rsv.a.needFile', { name: m.name })]));
    setMaterialErrs(missing);
    setBusy(true);
    setError(null);
    setFieldErrs({});
    try {
      const form = Object.fromEntries(editable.filter((f) => values[f.key] !== undefined && values[f.key] !== '').map((f) => [f.key, values[f.key]!]));
      const body = {
        matterCode: prefill.matter.code,
        form,
        files: Object.entries(files).flatMap(([materialCode, list]) => list.map((f) => ({ materialCode, attachmentId: f.id }))),
      };
      setDone(await api.post<Submitted>(MY_APPLICATIONS_API, body));
      window.scrollTo(0, 0);
    } catch (err) {
      const fe = formFieldErrors(err);
      setFieldErrs(fe);
      const mat = materialOfError(err);
      if (mat) setMaterialErrs((m) => ({ ...m, [mat]: errorMessage(err) }));
      setError(Object.keys(fe).length || mat ? t('rsv.a.fixFields') : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-testid="apply-form">
      <section className="r-card" aria-labelledby="rsv-apply-matter">
        <h2 id="rsv-apply-matter" data-testid="apply-matter">
          {prefill.matter.name}
        </h2>
        {prefill.openApplication && (
          <InlineMessage kind="info">
            {t('rsv.a.open', { code: prefill.openApplication.code })}{' '}
            <Link href={`/services/applications/${encodeURIComponent(prefill.openApplication.id)}`}>{t('rsv.a.viewOpen')}</Link>
          </InlineMessage>
        )}
      </section>
      {readOnly.length > 0 && (
        <section className="r-card" aria-labelledby="rsv-from-record" data-testid="apply-prefilled">
          <h2 id="rsv-from-record">{t('rsv.a.fromRecord')}</h2>
          <dl className="r-facts">
            {readOnly.map((f) => (
              <div key={f.key} className="r-fact" data-testid={`prefilled-${f.key}`}>
                <dt>{fieldLabel(f, locale)}</dt>
                <dd>{valueText(f.value, t)}</dd>
              </div>
            ))}
          </dl>
          <p className="r-muted" style={{ margin: '8px 0 0' }}>
            {t('rsv.a.recordWrong')}
          </p>
        </section>
      )}
      {editable.length > 0 && (
        <section className="r-card" aria-labelledby="rsv-fill">
          <h2 id="rsv-fill">{t('rsv.a.fill')}</h2>
          {editable.map((f) => (
            <FieldInput key={f.key} f={f} value={values[f.key]} error={fieldErrs[f.key]} onChange={(v) => setValues((old) => ({ ...old, [f.key]: v }))} />
          ))}
        </section>
      )}
      {prefill.materials.length > 0 && (
        <section className="r-card" aria-labelledby="rsv-upload">
          <h2 id="rsv-upload">{t('rsv.a.materials')}</h2>
          <p className="r-muted">{t('rsv.a.materialsHint')}</p>
          <ul className="rsv-materials">
            {prefill.materials.map((m) => (
              <MaterialFiles
                key={m.code}
                code={m.code}
                name={m.name}
                required={m.required}
                hint={[hasMessage(`rsv.form.${m.formLabel}`) ? t(`rsv.form.${m.formLabel}`) : m.formLabel, m.copies > 0 ? t('rsv.g.copies', { n: m.copies }) : null, m.note].filter(Boolean).join(' · ')}
                files={files[m.code] ?? []}
                error={materialErrs[m.code]}
                onChange={(list) => {
                  setFiles((old) => ({ ...old, [m.code]: list }));
                  if (list.length) setMaterialErrs(({ [m.code]: _gone, ...rest }) => rest);
                }}
              />
            ))}
          </ul>
        </section>
      )}
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <Button block color="primary" size="large" type="submit" loading={busy} disabled={!!prefill.openApplication} data-testid="apply-submit">
        {t('rsv.a.submit')}
      </Button>
    </form>
  );
}

/** /services/matters/:code/apply — 在线办理. */
export default function ApplyPage() {
  const { t } = useI18n();
  const session = useSession();
  const { code } = useParams<{ code: string }>();
  const prefill = useApi(
    (signal) => (session.status === 'ready' ? api.get<Prefill>(`${MY_APPLICATIONS_API}/prefill`, { matter: code }, signal) : Promise.resolve(undefined)),
    [session.status, code],
  );
  if (session.status === 'loading') return <div className="r-loading">{t('common.loading')}</div>;
  if (session.status === 'anonymous') return <InlineLogin hint={t('rsv.a.loginFirst')} />;
  if (prefill.error) return <InlineMessage kind="error">{prefill.error.message}</InlineMessage>;
  if (!prefill.data) return <div className="r-loading">{t('common.loading')}</div>;
  return <ApplyForm prefill={prefill.data} />;
}
