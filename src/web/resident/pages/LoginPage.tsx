import { useState, type FormEvent } from 'react';
import { Redirect, useLocation } from 'wouter';
import Button from 'antd-mobile/es/components/button';
import Input from 'antd-mobile/es/components/input';
import { ApiError, errorMessage } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { login, useSession } from '../../shared/session.js';
import { InlineMessage } from '../components/InlineMessage.js';

export default function LoginPage() {
  const { t } = useI18n();
  const session = useSession();
  const [, navigate] = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError(t('login.missing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login({ username: username.trim(), password, ...(needTotp && totp ? { totp } : {}) });
      navigate('/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TOTP_REQUIRED') setNeedTotp(true);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (session.status === 'ready' && !busy) return <Redirect to="/" replace />;

  return (
    <form className="r-card" onSubmit={submit} noValidate aria-labelledby="login-title">
      <h2 id="login-title">{t('login.title')}</h2>
      {session.status === 'anonymous' && session.reason === 'expired' && <InlineMessage kind="info">{t('login.expired')}</InlineMessage>}
      <div className="r-field">
        <label htmlFor="login-username">{t('common.username')}</label>
        <div className="r-input">
          <Input id="login-username" name="username" autoComplete="username" value={username} onChange={setUsername} placeholder={t('login.usernamePlaceholder')} />
        </div>
      </div>
      <div className="r-field">
        <label htmlFor="login-password">{t('common.password')}</label>
        <div className="r-input">
          <Input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onChange={setPassword} placeholder={t('login.passwordPlaceholder')} />
        </div>
      </div>
      {needTotp && (
        <div className="r-field">
          <label htmlFor="login-totp">{t('common.totp')}</label>
          <div className="r-input">
            <Input id="login-totp" name="totp" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={totp} onChange={setTotp} placeholder={t('login.totpPlaceholder')} />
          </div>
        </div>
      )}
      {error && <InlineMessage kind="error">{error}</InlineMessage>}
      <Button block color="primary" size="large" type="submit" loading={busy} data-testid="login-submit">
        {t('common.login')}
      </Button>
    </form>
  );
}
