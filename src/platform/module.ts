import type { Migration } from 'kysely';
import type { LinliApp } from './http/app.js';
import type { PlatformContext } from './context.js';

/** A scheduled job a module hands to the platform scheduler. */
export interface JobHandlerDefinition {
  /** Job kind, e.g. `events.deadline-check`. */
  kind: string;
  handler: (ctx: PlatformContext, payload: unknown) => Promise<void>;
  /** If set, the scheduler keeps one recurring job of this kind every `everySeconds`. */
  everySeconds?: number;
}

export interface DemoSeedContext {
  ctx: PlatformContext;
  /** A deterministic pseudo-random generator; same seed, same community. */
  random: () => number;
  log: (msg: string) => void;
}

/**
 * A module's manifest: everything the platform needs to know about it. The platform reads
 * manifests (src/modules/index.ts lists them) and never imports a module by name.
 */
export interface LinliModule {
  name: string;
  /** Migrations, named `YYYY_MM_DD_HHMM_what`, applied in name order across all modules. */
  migrations?: Record<string, Migration>;
  /** Registers routes on the app (each route declares its policy). */
  routes?: (app: LinliApp, ctx: PlatformContext) => void | Promise<void>;
  jobs?: JobHandlerDefinition[];
  /** Seeds the demo community; runs once on an empty database, in manifest order. */
  seedDemo?: (seed: DemoSeedContext) => Promise<void>;
}

export function defineModule(module: LinliModule): LinliModule {
  return module;
}
