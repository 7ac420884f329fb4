import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { assertNoDemoAccountsInProduction } from './demo-accounts.js';

describe(`production refuses demo accounts (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let f: Fixture;
  beforeAll(async () => {
    platform = await createTestPlatform();
    f = await seedFixture(platform.ctx);
  });
  afterAll(() => platform.close());

  it('passes outside production even with demo accounts', async () => {
    await expect(assertNoDemoAccountsInProduction(platform.ctx)).resolves.toBeUndefined();
  });

  it('refuses production while any demo account is active, and names them', async () => {
    platform.ctx.config.env = 'production';
    try {
      await expect(assertNoDemoAccountsInProduction(platform.ctx)).rejects.toThrow(/演示账号.*admin/);
      await platform.ctx.db.kysely.updateTable('app_user').set({ disabled: 1 }).where('is_demo', '=', 1).execute();
      await expect(assertNoDemoAccountsInProduction(platform.ctx)).resolves.toBeUndefined();
      expect(f.users.admin).toBeTruthy();
    } finally {
      platform.ctx.config.env = 'test';
    }
  });
});
