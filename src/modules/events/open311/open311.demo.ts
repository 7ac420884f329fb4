import type { PlatformContext } from '../../../platform/context.js';
import { appendAudit } from '../../../platform/audit/audit.js';
import { sha256 } from '../../../platform/auth/tokens.js';
import { newId } from '../../../platform/ids.js';

/** The demo Open311 client's api_key, printed in the README (demo mode only, like the demo passwords). */
export const DEMO_OPEN311_API_KEY = 'linli-demo-open311';
/** The demo account that holds it (api_client on 海宁市, in DEMO_ACCOUNTS). */
export const DEMO_OPEN311_USERNAME = 'open311';

/**
 * Gives the demo Open311 client its well-known API token. Only its hash is stored, as for every
 * token; production refuses to start while the demo account is active, so the key dies with it.
 */
export async function seedOpen311Demo(ctx: PlatformContext, log: (m: string) => void = () => {}): Promise<void> {
  const db = ctx.db.kysely;
  const user = await db.selectFrom('app_user').select(['id', 'username']).where('username', '=', DEMO_OPEN311_USERNAME).where('is_demo', '=', 1).executeTakeFirst();
  if (!user) return;
  const hash = sha256(DEMO_OPEN311_API_KEY);
  if (await db.selectFrom('api_token').select('id').where('token_hash', '=', hash).executeTakeFirst()) return;
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('api_token')
      .values({
        id,
        user_id: user.id,
        name: 'Open311 演示密钥 / demo api_key',
        token_hash: hash,
        prefix: DEMO_OPEN311_API_KEY.slice(0, 7),
        created_at: ctx.now().toISOString(),
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    await appendAudit(ctx.db, { actorId: user.id, actorName: user.username, action: 'auth.token.create', targetType: 'api_token', targetId: id, details: { name: 'Open311 demo api_key', demo: true } }, trx);
  });
  log('  Open311 演示客户端已就绪（api_key 见 README）/ demo Open311 client ready (api_key in the README)');
}
