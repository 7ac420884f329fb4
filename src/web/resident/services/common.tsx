import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import Button from 'antd-mobile/es/components/button';
import Input from 'antd-mobile/es/components/input';
import { api, ApiError, errorMessage } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { login } from '../../shared/session.js';
import type { Label } from '../../shared/events.js';
import { InlineMessage } from '../components/InlineMessage.js';
import '../events/events.css';
import './services.css';
import './messages.js';

export { MATTERS_API, MY_APPLICATIONS_API } from '../../shared/service-hall.js';

export const RATINGS = ['满意', '基本满意', '不满意'] as const;

/** A `{zh-CN, en}` label from the server in the page's language. */
export function useLabel() {
  const { locale } = useI18n();
  return (l: Label | null | undefined, fallback = '') => (l ? (l[locale] ?? l['zh-CN']) : fallback);
}

const DONE = new Set(['completed', 'rated']);
const ENDED = new Set(['refused', 'denied', 'withdrawn']);
export type StateKind = 'open' | 'attention' | 'closed' | 'ended';

export function applicationKind(state: string): StateKind {
  return DONE.has(state) ? 'closed' : ENDED.has(state) ? 'ended' : state === 'returned' ? 'attention' : 'open';
}

const MARKS: Record<StateKind, string> = { open: '●', attention: '!', closed: '✓', ended: '–' };
const CLASSES: Record<StateKind, string> = { open: 'rev-state-open', attention: 'rsv-state-attention', closed: 'rev-state-closed', ended: 'rev-state-ended' };

/** An application's state as the server names it, with a mark as well as a colour. */
export function AppStateBadge({ state, label, testId = 'application-state' }: { state: string; label: Label; testId?: string }) {
  const l = useLabel();
  const kind = applicationKind(state);
  return (
    <span className={`rev-state ${CLASSES[kind]}`} data-testid={testId} data-state={state}>
      <span aria-hidden="true">{MARKS[kind]} </span>
      {l(label, state)}
    </span>
  );
}

/** `{n} 个工作日` or 即办. */
export function daysText(t: (k: string, p?: Record<string, string | number>) => string, n: number) {
  return n === 0 ? t('rsv.sameDay') : t('rsv.days', { n });
}

/**
 * Logging in without leaving the page (a QR code opened a matter: after logging in the
 * resident carries on where they were). No dialog: a form in the page.
 */
export function InlineLogin({ hint }: { hint: string }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) return setError(t('login.missing'));
    setBusy(true);
    setError(null);
    try {
      await login({ username: username.trim(), password });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="r-card" onSubmit={submit} noValidate aria-labelledby="rsv-login-title" data-testid="inline-login">
      <h2 id="rsv-login-title">{t('login.title')}</h2>
      <p className="r-muted">{hint}</p>
      <div className="r-field">
        <label htmlFor="rsv-login-username">{t('common.username')}</label>
        <div className="r-input">
          <Input id="rsv-login-username" name="username" autoComplete="username" value={username} onChange={setUsername} placeholder={t('login.usernamePlaceholder')} />
        </div>
      </div>
      <div className="r-field">
        <label htmlFor="rsv-login-password">{t('common.password')}</label>
        <div className="r-input">
          <Input id="rsv-login-password" name="password" type="password" autoComplete="current-password" value={password} onChange={setPassword} placeholder={t('login.passwordPlaceholder')} />
        </div>
      </div>
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <Button block color="primary" size="large" type="submit" loading={busy} data-testid="inline-login-submit">
        {t('common.login')}
      </Button>
    </form>
  );
}

export interface UploadedFile {
  id: string;
  name: string;
}

/**
 * The files of one material: 拍照 opens the phone's camera, 选择文件 takes an image or a PDF.
 * Each file is uploaded at once (purpose service.application) and named in the application
 * by its id.
 */
export function MaterialFiles({
  code,
  name,
  required,
  files,
  onChange,
  error,
  hint,
}: {
  code: string;
  name: string;
  required: boolean;
  files: UploadedFile[];
  onChange: (files: UploadedFile[]) => void;
  error?: string | null;
  hint?: string | null;
}) {
  const { t } = useI18n();
  const [uploading, setUploading] = useState(0);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const latest = useRef(files);
  latest.current = files;
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = [...(e.target.files ?? [])];
    e.target.value = '';
    if (chosen.length === 0) return;
    setUploadError(null);
    setUploading((n) => n + chosen.length);
    for (const file of chosen) {
      try {
        const form = new FormData();
        form.append('file', file, file.name);
        const att = await api.upload<{ id: string; name: string; originalName?: string }>('/api/v1/files', form, { purpose: 'service.application' });
        latest.current = [...latest.current, { id: att.id, name: att.originalName ?? file.name }];
        onChange(latest.current);
      } catch (err) {
        setUploadError(errorMessage(err));
      } finally {
        setUploading((n) => n - 1);
      }
    }
  };
  const invalid = !!error;
  return (
    <li className={invalid ? 'rsv-field-invalid' : undefined} data-testid={`material-${code}`}>
      <div className="r-entry-head">
        <strong id={`mat-${code}-label`}>{name}</strong>
        <span className="rsv-tag">{required ? t('rsv.g.required') : t('rsv.g.optional')}</span>
      </div>
      {hint && <div className="r-muted">{hint}</div>}
      {files.length > 0 && (
        <ul className="rsv-files" data-testid={`material-${code}-files`}>
          {files.map((f) => (
            <li key={f.id}>
              <span>✓ {f.name}</span>
              <button type="button" aria-label={t('rsv.a.removeFile', { name: f.name })} onClick={() => onChange(files.filter((x) => x.id !== f.id))}>
                {t('rsv.a.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="rsv-uploads" role="group" aria-labelledby={`mat-${code}-label`}>
        <label className="rev-file">
          {t('rsv.a.takePhoto')}
          <input type="file" accept="image/*" capture="environment" onChange={(e) => void pick(e)} data-testid={`material-${code}-camera`} />
        </label>
        <label className="rev-file">
          {t('rsv.a.chooseFile')}
          <input type="file" accept="image/*,application/pdf" multiple onChange={(e) => void pick(e)} data-testid={`material-${code}-input`} />
        </label>
      </div>
      {uploading > 0 && <p className="r-muted" role="status">{t('rsv.a.uploading')}</p>}
      {uploadError && <InlineMessage kind="error">{uploadError}</InlineMessage>}
      {error && (
        <div className="rsv-error" role="alert" data-testid={`material-${code}-error`}>
          {error}
        </div>
      )}
    </li>
  );
}

/** The material a SERVICE_MATERIAL_REQUIRED / SERVICE_MISSING_NOT_ADDED names, if any. */
export function materialOfError(e: unknown): string | null {
  if (!(e instanceof ApiError) || !e.details || typeof e.details !== 'object' || Array.isArray(e.details)) return null;
  const m = (e.details as { material?: unknown }).material;
  return typeof m === 'string' ? m : null;
}

/** Field errors of a SERVICE_FORM_INVALID by form key (`body.form.<key>`). */
export function formFieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return out;
  for (const d of e.details as { field?: unknown; message?: unknown }[]) {
    if (typeof d?.field !== 'string') continue;
    const m = /^(?:body\.)?form\.([^.]+)/.exec(d.field);
    if (!m || out[m[1]!]) continue;
    out[m[1]!] = typeof d.message === 'string' && d.message ? d.message : e.message;
  }
  return out;
}
