import { lazy } from 'react';
import { Icon } from '../../../shared/icons.js';
import { hasRole, type Me, type Role } from '../../../shared/types.js';
import type { ConsoleModule } from '../types.js';
import './messages.js';
import './points.messages.js';
import './timebank.messages.js';

const PeoplePage = lazy(() => import('./PeoplePage.js'));
const OpportunitiesPage = lazy(() => import('./OpportunitiesPage.js'));
const HoursPage = lazy(() => import('./HoursPage.js'));
const ObservationsPage = lazy(() => import('./ObservationsPage.js'));
// Part B: points, 爱心超市 and the mutual-aid fund (PointsPage.tsx and its panels).
const PointsPage = lazy(() => import('./PointsPage.js'));
// Part C: 时间银行 and 微课.
const TimebankPage = lazy(() => import('./TimebankPage.js'));
const LecturesPage = lazy(() => import('./LecturesPage.js'));

/** Menu visibility mirrors src/modules/volunteers/*.policy.ts (the server enforces it). */
const can =
  (...roles: Role[]) =>
  (me: Me) =>
    hasRole(me, ...roles);

/** 志愿服务 (part A): the register and teams, opportunities and their sign-ups, hours and certificates, supervision observations. */
export const volunteersModule: ConsoleModule = {
  name: 'volunteers',
  menu: [
    { key: 'volunteers-people', path: '/volunteers/people', label: 'cvo.menu.people', icon: <Icon name="team" />, order: 60, visible: can('community_staff', 'dispatcher') },
    { key: 'volunteers-opportunities', path: '/volunteers/opportunities', label: 'cvo.menu.opportunities', icon: <Icon name="shop" />, order: 61, visible: can('community_staff', 'dispatcher') },
    { key: 'volunteers-hours', path: '/volunteers/hours', label: 'cvo.menu.hours', icon: <Icon name="clock" />, order: 62, visible: can('community_staff', 'dispatcher') },
    { key: 'volunteers-observations', path: '/volunteers/observations', label: 'cvo.menu.observations', icon: <Icon name="shield" />, order: 63, visible: can('community_staff', 'dispatcher') },
    { key: 'volunteers-points', path: '/volunteers/points', label: 'cpt.menu', icon: <Icon name="heart" />, order: 64, visible: can('community_staff', 'dispatcher', 'party_secretary') },
    { key: 'volunteers-timebank', path: '/volunteers/timebank', label: 'ctb.menu', icon: <Icon name="clock" />, order: 65, visible: can('community_staff', 'dispatcher') },
    { key: 'volunteers-lectures', path: '/volunteers/lectures', label: 'clc.menu', icon: <Icon name="sound" />, order: 66, visible: can('community_staff', 'dispatcher', 'party_secretary') },
  ],
  routes: [
    { path: '/volunteers', component: PeoplePage },
    { path: '/volunteers/people', component: PeoplePage },
    { path: '/volunteers/opportunities/:id?', component: OpportunitiesPage },
    { path: '/volunteers/hours', component: HoursPage },
    { path: '/volunteers/observations', component: ObservationsPage },
    { path: '/volunteers/points', component: PointsPage },
    { path: '/volunteers/timebank/:id?', component: TimebankPage },
    { path: '/volunteers/lectures/:id?', component: LecturesPage },
  ],
};
