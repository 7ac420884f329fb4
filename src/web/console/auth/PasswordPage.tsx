import { useState } from 'react';
import { useLocation } from 'wouter';
import { Alert, Button, Form, Input } from 'antd';
import { api, errorMessage } from '../../shared/api.js';
import { useI18n } from '../../shared/i18n.js';
import { logout, refreshMe } from '../../shared/session.js';
import { AuthShell } from './AuthShell.js';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** The forced change after a first login or a reset (mustChangePassword). */
export function PasswordPage() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/v1/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      await refreshMe();
      navigate('/', { replace: true });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <AuthShell title={t('password.title')}>
      <Alert type="warning" showIcon title={t('password.required')} style={{ marginBottom: 16 }} />
      <Form<Values> layout="vertical" onFinish={onFinish} requiredMark={false} disabled={busy}>
        <Form.Item label={t('password.current')} name="currentPassword" rules={[{ required: true, message: t('common.required', { field: t('password.current') }) }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item label={t('password.new')} name="newPassword" extra={t('password.rule')} rules={[{ required: true, min: 8, message: t('password.rule') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('password.confirm')}
          name="confirm"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('common.required', { field: t('password.confirm') }) },
            ({ getFieldValue }) => ({
              validator: (_, value) => (!value || getFieldValue('newPassword') === value ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" block size="large" loading={busy}>
          {t('password.save')}
        </Button>
        <Button type="link" block style={{ marginTop: 8 }} onClick={() => void logout()}>
          {t('common.logout')}
        </Button>
      </Form>
    </AuthShell>
  );
}
