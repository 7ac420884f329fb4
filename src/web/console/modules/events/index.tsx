import { lazy } from 'react';
import { Icon } from '../../../shared/icons.js';
import { hasRole, type Me, type Role } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';

const WorkbenchPage = lazy(() => import('./WorkbenchPage.js'));
const TasksPage = lazy(() => import('./WorkbenchPage.js').then((m) => ({ default: m.TasksPage })));
const EventPage = lazy(() => import('./EventPage.js'));
const ReportPage = lazy(() => import('./ReportPage.js'));
const CategoriesPage = lazy(() => import('./CategoriesPage.js'));
const IndicatorsPage = lazy(() => import('./IndicatorsPage.js'));
const PatrolsPage = lazy(() => import('./PatrolsPage.js'));

/** Menu visibility mirrors src/modules/events/events.policy.ts (the server enforces it). */
const can =
  (...roles: Role[]) =>
  (me: Me) =>
    hasRole(me, ...roles);

export const eventsModule: ConsoleModule = {
  name: 'events',
  menu: [
    { key: 'events', path: '/events', label: 'ev.menu.workbench', icon: <Icon name="sound" />, order: 40, visible: can('dispatcher', 'community_staff', 'grid_worker', 'department_officer') },
    { key: 'event-tasks', path: '/event-tasks', label: 'ev.menu.tasks', icon: <Icon name="clock" />, order: 41, visible: can('community_staff', 'grid_worker', 'department_officer') },
    { key: 'event-report', path: '/event-report', label: 'ev.menu.report', icon: <Icon name="edit" />, order: 42, visible: can('dispatcher', 'community_staff', 'grid_worker') },
    { key: 'event-categories', path: '/event-categories', label: 'ev.menu.categories', icon: <Icon name="tree" />, order: 43, visible: can('dispatcher', 'community_staff', 'system_admin') },
    { key: 'event-indicators', path: '/event-indicators', label: 'ev.menu.indicators', icon: <Icon name="table" />, order: 44, visible: can('dispatcher', 'community_staff', 'department_officer') },
    { key: 'patrols', path: '/patrols', label: 'ev.menu.patrols', icon: <Icon name="map" />, order: 45, visible: can('dispatcher', 'community_staff', 'grid_worker') },
  ],
  routes: [
    { path: '/events', component: WorkbenchPage },
    { path: '/events/:id', component: EventPage },
    { path: '/event-tasks', component: TasksPage },
    { path: '/event-report', component: ReportPage },
    { path: '/event-categories', component: CategoriesPage },
    { path: '/event-indicators', component: IndicatorsPage },
    { path: '/patrols/:id?', component: PatrolsPage },
  ],
};
