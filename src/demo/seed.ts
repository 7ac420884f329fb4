import type { PlatformContext } from '../platform/context.js';
import type { LinliModule } from '../platform/module.js';

/** Placeholder replaced below by the demo community generator. */
export async function seedDemoIfEmpty(_ctx: PlatformContext, _modules: LinliModule[], _log: (m: string) => void): Promise<boolean> {
  return false;
}
