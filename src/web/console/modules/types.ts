import type { ComponentType, ReactNode } from 'react';
import type { Me } from '../../shared/types.js';

/** One entry of the side menu. `label` is an i18n key. */
export interface ConsoleMenuEntry {
  key: string;
  /** Path inside /console; also the prefix that marks the entry as selected. */
  path: string;
  label: string;
  icon?: ReactNode;
  /** Lower comes first. */
  order: number;
  /** Hide the entry from people who cannot use it (the server still enforces the rule). */
  visible?: (me: Me) => boolean;
}

export interface ConsoleRoute {
  /** wouter pattern inside /console, e.g. `/org/:id?`. */
  path: string;
  component: ComponentType;
}

/** What a business module contributes to the console: its menu entries and its pages. */
export interface ConsoleModule {
  name: string;
  menu: ConsoleMenuEntry[];
  routes: ConsoleRoute[];
}
