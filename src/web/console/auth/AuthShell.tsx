import type { ReactNode } from 'react';
import { Card, Space, Typography } from 'antd';
import { useI18n } from '../../shared/i18n.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';

/** The frame of the login, password and TOTP pages. */
export function AuthShell({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="c-auth">
      <main className="c-auth-card">
        <Card>
          <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} align="start">
            <div>
              <Typography.Title level={3} style={{ margin: 0 }}>
                {t('app.name')} · {title}
              </Typography.Title>
              <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
            </div>
            <LanguageSwitch />
          </Space>
          {children}
        </Card>
      </main>
    </div>
  );
}
