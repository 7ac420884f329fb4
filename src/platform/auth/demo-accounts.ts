import type { PlatformContext } from '../context.js';

/**
 * A database that still holds the demo accounts (password Linli@2026, printed in the README)
 * must never serve production: refuse to start until they are removed or disabled.
 */
export async function assertNoDemoAccountsInProduction(ctx: PlatformContext): Promise<void> {
  if (ctx.config.env !== 'production') return;
  const demo = await ctx.db.kysely.selectFrom('app_user').select('username').where('is_demo', '=', 1).where('disabled', '=', 0).limit(5).execute();
  if (demo.length > 0) {
    const names = demo.map((d) => d.username).join(', ');
    throw new Error(`生产环境不能保留演示账号（${names}），请先停用 / production refuses to start while demo accounts exist (${names}); disable them first`);
  }
}
