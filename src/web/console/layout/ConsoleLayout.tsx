import { Suspense, useMemo, useState } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { Badge, Breadcrumb, Button, Layout, Menu, Result, Space, Spin, Tag, Typography } from 'antd';
import { Icon } from '../../shared/icons.js';
import { useI18n } from '../../shared/i18n.js';
import { logout } from '../../shared/session.js';
import { useLive } from '../../shared/live.js';
import type { Me } from '../../shared/types.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { consoleModules } from '../modules/index.js';
import { BreadcrumbProvider, useCrumbs } from './breadcrumbs.js';
import { takeReturnTo } from './return-to.js';

function Crumbs() {
  const { t } = useI18n();
  const crumbs = useCrumbs();
  const items = [{ title: <Link href="/">{t('console.home')}</Link> }, ...crumbs.map((c) => ({ title: c.href ? <Link href={c.href}>{c.title}</Link> : c.title }))];
  return <Breadcrumb style={{ margin: '0 0 12px' }} items={items} data-testid="breadcrumbs" />;
}

/** The bell in the header: the unread count, kept live by the notification stream. */
function InboxBell() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const live = useLive();
  return (
    <Badge count={live.unread ?? 0} size="small" data-testid="inbox-unread">
      <Button icon={<Icon name="bell" />} onClick={() => navigate('/inbox')} aria-label={t('inbox.menu')} />
    </Badge>
  );
}

function NotFound() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  return <Result status="404" title={t('console.notFound')} extra={<Button onClick={() => navigate('/')}>{t('console.backHome')}</Button>} />;
}

export function ConsoleLayout({ me }: { me: Me }) {
  const { t } = useI18n();
  const [location, navigate] = useLocation();
  const [collapsed, setCollapsed] = useState(false);

  const entries = useMemo(
    () =>
      consoleModules
        .flatMap((m) => m.menu)
        .filter((e) => !e.visible || e.visible(me))
        .sort((a, b) => a.order - b.order),
    [me],
  );
  const routes = useMemo(() => consoleModules.flatMap((m) => m.routes), []);
  const selected = entries.filter((e) => location === e.path || location.startsWith(`${e.path}/`)).map((e) => e.key);
  const roles = [...new Set(me.roles.map((r) => r.role))];

  return (
    <BreadcrumbProvider>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={208} breakpoint="lg">
          <div className="c-brand">{collapsed ? t('app.name') : t('console.brand')}</div>
          <nav aria-label={t('console.menu')}>
            <Menu
              theme="dark"
              mode="inline"
              selectedKeys={selected}
              onClick={({ key }) => {
                const entry = entries.find((e) => e.key === key);
                if (entry) navigate(entry.path);
              }}
              items={entries.map((e) => ({ key: e.key, icon: e.icon, label: t(e.label) }))}
              data-testid="side-menu"
            />
          </nav>
        </Layout.Sider>
        <Layout>
          <Layout.Header className="c-header">
            <Typography.Text strong>{t('console.title')}</Typography.Text>
            <Space size="middle" wrap>
              <span data-testid="current-user">{me.displayName}</span>
              <span aria-label={t('console.roles')}>
                {roles.map((r) => (
                  <Tag key={r} color="blue" data-testid="current-role">
                    {t(`role.${r}`)}
                  </Tag>
                ))}
              </span>
              <InboxBell />
              <LanguageSwitch />
              <Button icon={<Icon name="logout" />} onClick={() => void logout().then(() => navigate('/login'))} data-testid="logout">
                {t('common.logout')}
              </Button>
            </Space>
          </Layout.Header>
          <Layout.Content className="c-content">
            <Crumbs />
            <main className="c-page">
              <Suspense fallback={<Spin />}>
                {/* Keys make each redirect a new element, so chained redirects all run. */}
                <Switch>
                  {routes.map((r) => (
                    <Route key={r.path} path={r.path} component={r.component} />
                  ))}
                  <Route key="home" path="/">{entries[0] ? <Redirect to={entries[0].path} replace /> : <NotFound />}</Route>
                  <Route key="login" path="/login">
                    <Redirect to={takeReturnTo()} replace />
                  </Route>
                  <Route key="not-found">
                    <NotFound />
                  </Route>
                </Switch>
              </Suspense>
            </main>
          </Layout.Content>
        </Layout>
      </Layout>
    </BreadcrumbProvider>
  );
}
