import { useState } from 'react';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { ApiError, errorMessage } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { login, useSession } from '../../shared/session.js';
import { AuthShell } from './AuthShell.js';

interface Values {
  username: string;
  password: string;
  totp?: string;
}

export function LoginPage() {
  const { t } = useI18n();
  const session = useSession();
  const [form] = Form.useForm<Values>();
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<{ message: string; hint?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await login({ username: v.username.trim(), password: v.password, ...(needTotp && v.totp ? { totp: v.totp } : {}) });
    } catch (e) {
      let hint: string | undefined;
      if (e instanceof ApiError) {
        if (e.code === 'TOTP_REQUIRED') setNeedTotp(true);
        const left = (e.details as { attemptsLeft?: number } | undefined)?.attemptsLeft;
        if (e.code === 'INVALID_CREDENTIALS' && typeof left === 'number') hint = t('login.attemptsLeft', { n: left });
        if (e.code === 'ACCOUNT_LOCKED') hint = t('login.lockedHint');
        if (e.code === 'TOTP_INVALID') form.setFieldValue('totp', '');
      }
      setError({ message: errorMessage(e), hint });
      setBusy(false);
    }
  };

  return (
    <AuthShell title={t('login.title')}>
      {session.status === 'anonymous' && session.reason === 'expired' && !error && <Alert type="info" showIcon title={t('login.expired')} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} disabled={busy}>
        <Form.Item label={t('common.username')} name="username" rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}>
          <Input autoComplete="username" autoFocus data-testid="login-username" />
        </Form.Item>
        <Form.Item label={t('common.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
          <Input.Password autoComplete="current-password" data-testid="login-password" />
        </Form.Item>
        {needTotp && (
          <Form.Item label={t('common.totp')} name="totp" extra={t('common.totpHint')} rules={[{ required: true, pattern: /^\d{6}$/, message: t('login.totpRequired') }]}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus data-testid="login-totp" />
          </Form.Item>
        )}
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={error.message}
            description={error.hint}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="login-submit">
          {t('common.login')}
        </Button>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        {t('login.residentHint')}
        <a href="/m/">/m/</a>
      </Typography.Paragraph>
    </AuthShell>
  );
}
