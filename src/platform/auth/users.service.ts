import type { Executor } from '../db/database.js';
import type { PlatformContext } from '../context.js';
import { badRequest, conflict } from '../errors.js';
import { newId } from '../ids.js';
import type { Role } from '../policy/roles.js';
import { hashPassword, isStrongPassword } from './passwords.js';

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  mustChangePassword?: boolean;
  isDemo?: boolean;
  personId?: string | null;
  grants: { role: Role; orgNodeId: string; departmentCode?: string | null }[];
}

/** Creates a user with its grants; the password rule applies to every account, demo ones too. */
export async function createUser(ctx: PlatformContext, input: NewUser, db: Executor = ctx.db.kysely, passwordHash?: string): Promise<string> {
  if (!isStrongPassword(input.password)) throw badRequest('WEAK_PASSWORD');
  const existing = await db.selectFrom('app_user').select('id').where('username', '=', input.username).executeTakeFirst();
  if (existing) throw conflict('CONFLICT', {}, { username: input.username });
  const id = newId();
  const at = ctx.now().toISOString();
  await db
    .insertInto('app_user')
    .values({
      id,
      username: input.username,
      display_name: input.displayName,
      password_hash: passwordHash ?? (await hashPassword(input.password)),
      must_change_password: input.mustChangePassword === false ? 0 : 1,
      failed_logins: 0,
      locked_until: null,
      totp_secret_enc: null,
      totp_enabled: 0,
      totp_last_step: null,
      disabled: 0,
      is_demo: input.isDemo ? 1 : 0,
      person_id: input.personId ?? null,
      locale: null,
      created_at: at,
      password_changed_at: null,
    })
    .execute();
  for (const g of input.grants) {
    await db
      .insertInto('role_grant')
      .values({ id: newId(), user_id: id, role: g.role, org_node_id: g.orgNodeId, department_code: g.departmentCode ?? null, granted_by: null, granted_at: at })
      .execute();
  }
  return id;
}
