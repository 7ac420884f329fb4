import { lazy, Suspense } from 'react';
import { useLocation, useParams } from 'wouter';
import { Spin, Tabs, Typography } from 'antd';
import { useI18n } from '../../../shared/i18n.js';
import { useBreadcrumbs } from '../../layout/breadcrumbs.js';

const OrgsTab = lazy(() => import('./OrgsTab.js'));
const TransfersTab = lazy(() => import('./TransfersTab.js'));
const MeetingsTab = lazy(() => import('./MeetingsTab.js'));
const ComplianceTab = lazy(() => import('./ComplianceTab.js'));

const TABS = ['orgs', 'transfers', 'meetings', 'compliance'] as const;
type Tab = (typeof TABS)[number];

/** /console/party/:tab: one page, four tabs, the tab in the address (so a notification can open 转接 directly). */
export default function PartyPage() {
  const { t } = useI18n();
  const params = useParams<{ tab?: string }>();
  const [, navigate] = useLocation();
  const tab: Tab = (TABS as readonly string[]).includes(params.tab ?? '') ? (params.tab as Tab) : 'orgs';
  useBreadcrumbs([{ title: t('pty.menu') }, { title: t(`pty.tab.${tab}`) }]);
  const body = { orgs: <OrgsTab />, transfers: <TransfersTab />, meetings: <MeetingsTab />, compliance: <ComplianceTab /> }[tab];
  return (
    <div data-testid="party-page">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('pty.menu')}
      </Typography.Title>
      <Tabs activeKey={tab} onChange={(k) => navigate(`/party/${k}`)} items={TABS.map((k) => ({ key: k, label: <span data-testid={`party-tab-${k}`}>{t(`pty.tab.${k}`)}</span> }))} />
      <Suspense fallback={<Spin />}>{body}</Suspense>
    </div>
  );
}
