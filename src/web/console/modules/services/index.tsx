import { lazy } from 'react';
import { Icon } from '../../../shared/icons.js';
import { hasRole, type Me, type Role } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';
import './more.messages.js';

// 办件 (UI-A)
const QueuePage = lazy(() => import('./QueuePage.js'));
const ApplicationPage = lazy(() => import('./ApplicationPage.js'));
const OnBehalfPage = lazy(() => import('./OnBehalfPage.js'));
const StatisticsPage = lazy(() => import('./StatisticsPage.js'));
// 办事指南管理, 预约, 签到, 咨询, 商户 (UI-B)
const MattersEditorPage = lazy(() => import('./matters-editor.js'));
const WindowsPage = lazy(() => import('./appointments.js'));
const AppointmentsPage = lazy(() => import('./appointments.js').then((m) => ({ default: m.AppointmentsPage })));
const CheckInPage = lazy(() => import('./checkin.js'));
const ConsultationsPage = lazy(() => import('./consultations.js'));
const MerchantsPage = lazy(() => import('./merchants.js'));
const ConvenienceManagePage = lazy(() => import('./convenience.js'));

/** Menu visibility mirrors src/modules/services/*.policy.ts (the server enforces it). */
const can =
  (...roles: Role[]) =>
  (me: Me) =>
    hasRole(me, ...roles);

export const servicesModule: ConsoleModule = {
  name: 'services',
  menu: [
    { key: 'service-applications', path: '/service-applications', label: 'sv.menu.queue', icon: <Icon name="table" />, order: 50, visible: can('community_staff', 'grid_worker', 'dispatcher') },
    { key: 'service-on-behalf', path: '/service-on-behalf', label: 'sv.menu.onBehalf', icon: <Icon name="user" />, order: 51, visible: can('community_staff', 'grid_worker') },
    { key: 'service-statistics', path: '/service-statistics', label: 'sv.menu.statistics', icon: <Icon name="list" />, order: 52, visible: can('community_staff', 'dispatcher', 'department_officer') },
    // UI-B
    { key: 'service-matters', path: '/service-matters', label: 'svb.menu.matters', icon: <Icon name="file" />, order: 53, visible: can('community_staff', 'grid_worker', 'dispatcher', 'department_officer', 'system_admin') },
    { key: 'service-windows', path: '/service-windows', label: 'svb.menu.windows', icon: <Icon name="building" />, order: 54, visible: can('community_staff', 'dispatcher', 'department_officer') },
    { key: 'service-appointments', path: '/service-appointments', label: 'svb.menu.appointments', icon: <Icon name="clock" />, order: 55, visible: can('community_staff', 'grid_worker', 'dispatcher', 'department_officer') },
    { key: 'service-check-in', path: '/services/check-in', label: 'svb.menu.checkIn', icon: <Icon name="shield" />, order: 56, visible: can('community_staff', 'department_officer') },
    { key: 'service-consultations', path: '/service-consultations', label: 'svb.menu.consultations', icon: <Icon name="sound" />, order: 57, visible: can('community_staff', 'department_officer') },
    { key: 'service-merchants', path: '/service-merchants', label: 'svb.menu.merchants', icon: <Icon name="shop" />, order: 58, visible: can('community_staff') },
    { key: 'service-convenience', path: '/service-convenience', label: 'svb.menu.convenience', icon: <Icon name="heart" />, order: 59, visible: can('community_staff', 'dispatcher', 'department_officer') },
  ],
  routes: [
    { path: '/service-applications', component: QueuePage },
    { path: '/service-applications/:id', component: ApplicationPage },
    { path: '/service-on-behalf', component: OnBehalfPage },
    { path: '/service-statistics', component: StatisticsPage },
    // UI-B
    { path: '/service-matters', component: MattersEditorPage },
    { path: '/service-windows', component: WindowsPage },
    { path: '/service-appointments', component: AppointmentsPage },
    { path: '/services/check-in', component: CheckInPage },
    { path: '/service-consultations', component: ConsultationsPage },
    { path: '/service-merchants', component: MerchantsPage },
    { path: '/service-convenience', component: ConvenienceManagePage },
  ],
};
