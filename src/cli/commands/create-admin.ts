import { assertProductionReady, loadConfig } from '../../platform/config.js';
import { openPlatform } from '../../platform/bootstrap.js';
import { modules } from '../../modules/index.js';
import { appendAudit } from '../../platform/audit/audit.js';
import { createUser } from '../../platform/auth/users.service.js';
import { hashPassword, isStrongPassword } from '../../platform/auth/passwords.js';
import { ROLE_LABELS } from '../../platform/policy/roles.js';
import type { CliAdminRole } from '../admin-roles.js';
import type { Executor } from '../../platform/db/database.js';
import { CliError, say } from '../output.js';
import { promptHidden } from '../prompt.js';

export interface CreateAdminOptions {
  username: string;
  displayName?: string;
  node: string;
  role: CliAdminRole;
}

const PASSWORD_RULE_ZH = '密码至少 8 位，且包含大写字母、小写字母、数字、符号中的至少三类';
const PASSWORD_RULE_EN = 'the password needs at least 8 characters from at least 3 of: upper case, lower case, digits, symbols';

async function readPassword(): Promise<string> {
  const fromEnv = process.env.LINLI_ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new CliError('请通过环境变量 LINLI_ADMIN_PASSWORD 提供密码，或在终端中运行以输入密码', 'set LINLI_ADMIN_PASSWORD or run in a terminal to type the password');
  }
  const first = await promptHidden('管理员密码 / admin password: ');
  if (!isStrongPassword(first)) throw new CliError(PASSWORD_RULE_ZH, PASSWORD_RULE_EN);
  const again = await promptHidden('再次输入 / repeat: ');
  if (again !== first) throw new CliError('两次输入的密码不一致', 'the passwords do not match');
  return first;
}

/** An org node by id, or by its administrative code (must be unambiguous). */
async function findNode(db: Executor, idOrCode: string) {
  const byId = await db.selectFrom('org_node').select(['id', 'name', 'path', 'ended_at']).where('id', '=', idOrCode).executeTakeFirst();
  if (byId) return byId;
  const byCode = await db.selectFrom('org_node').select(['id', 'name', 'path', 'ended_at']).where('code', '=', idOrCode).limit(2).execute();
  if (byCode.length > 1) throw new CliError(`代码 ${idOrCode} 对应多个组织节点，请改用节点 id`, `code ${idOrCode} matches several org nodes; use the node id`);
  if (byCode.length === 0) throw new CliError(`找不到组织节点 ${idOrCode}（按 id 或代码）`, `no org node with id or code ${idOrCode}`);
  return byCode[0];
}

/** `linli create-admin`: the first administrators, who must change their password at first login. */
export async function createAdminCommand(opts: CreateAdminOptions): Promise<number> {
  const config = loadConfig();
  // Production keys encrypt what admins later enter; never run on generated ones.
  assertProductionReady(config);
  const password = await readPassword();
  if (!isStrongPassword(password)) throw new CliError(PASSWORD_RULE_ZH, PASSWORD_RULE_EN);
  const platform = await openPlatform(config, modules);
  try {
    const { ctx } = platform;
    const node = await findNode(ctx.db.kysely, opts.node);
    if (node.ended_at) throw new CliError(`组织节点 ${node.name} 已撤销`, `org node ${node.name} has ended`);
    // Hash outside the transaction: argon2 is slow and SQLite has one writer.
    const passwordHash = await hashPassword(password);
    const displayName = opts.displayName?.trim() || opts.username;
    const userId = await ctx.db.kysely.transaction().execute(async (trx) => {
      const id = await createUser(
        ctx,
        { username: opts.username, displayName, password, mustChangePassword: true, grants: [{ role: opts.role, orgNodeId: node.id }] },
        trx,
        passwordHash,
      );
      await appendAudit(
        ctx.db,
        { actorName: 'cli', action: 'user.create', targetType: 'user', targetId: id, orgNodeId: node.id, details: { username: opts.username, role: opts.role, via: 'cli' } },
        trx,
      );
      return id;
    });
    const label = ROLE_LABELS[opts.role];
    say(
      `已创建 ${label['zh-CN']} ${opts.username}（${node.name}），首次登录须修改密码`,
      `created ${label.en} ${opts.username} at ${node.name}; the password must be changed at first login`,
    );
    console.log(`  id: ${userId}`);
    return 0;
  } finally {
    await platform.close();
  }
}
