import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { Alert, Button, Flex, Form, Input, Spin, Typography } from 'antd';
import { api, errorMessage } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { logout, refreshMe } from '../../shared/session.js';
import { AuthShell } from './AuthShell.js';

interface Setup {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/** Admin accounts enrol a second factor before anything else (mustEnrolTotp). */
export function TotpPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [setup, setSetup] = useState<Setup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  const start = useCallback(async () => {
    setError(null);
    setSetup(null);
    try {
      setSetup(await api.post<Setup>('/api/v1/auth/totp/setup'));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    // Each setup call makes a new secret: ask once per visit, not once per render.
    if (started.current) return;
    started.current = true;
    void start();
  }, [start]);

  const onFinish = async (v: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/v1/auth/totp/enable', { code: v.code });
      await refreshMe();
      navigate('/', { replace: true });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <AuthShell title={t('totp.title')}>
      <Alert type="warning" showIcon title={t('totp.required')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph>{t('totp.step1')}</Typography.Paragraph>
      <Flex vertical align="center" gap={8} style={{ marginBottom: 16 }}>
        {setup ? (
          <>
            {/* An <img> of the server's SVG: nothing from the response is put into the DOM as markup. */}
            <img className="c-qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`} alt={t('totp.qrAlt')} data-testid="totp-qr" />
            <Typography.Text type="secondary">
              {t('totp.manual')}
              <span className="c-secret" data-testid="totp-secret">
                {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
              </span>
            </Typography.Text>
          </>
        ) : (
          !error && <Spin />
        )}
      </Flex>
      <Typography.Paragraph>{t('totp.step2')}</Typography.Paragraph>
      <Form<{ code: string }> layout="vertical" onFinish={onFinish} requiredMark={false} disabled={busy || !setup}>
        <Form.Item label={t('common.totp')} name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: t('login.totpRequired') }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} data-testid="totp-code" />
        </Form.Item>
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" block size="large" loading={busy}>
          {t('totp.enable')}
        </Button>
      </Form>
      <Flex justify="space-between" style={{ marginTop: 8 }}>
        <Button type="link" onClick={() => void start()}>
          {t('totp.restart')}
        </Button>
        <Button type="link" onClick={() => void logout()}>
          {t('common.logout')}
        </Button>
      </Flex>
    </AuthShell>
  );
}
