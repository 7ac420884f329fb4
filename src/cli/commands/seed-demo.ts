import { loadConfig } from '../../platform/config.js';
import { openPlatform } from '../../platform/bootstrap.js';
import { modules } from '../../modules/index.js';
import { seedDemoIfEmpty } from '../../demo/seed.js';
import { CliError, say } from '../output.js';

/** `linli seed-demo`: the demo community, only into an empty database and never in production. */
export async function seedDemoCommand(): Promise<number> {
  const config = loadConfig();
  if (config.env === 'production') {
    // Demo accounts share a published password; production must not have them.
    throw new CliError('生产环境不能生成演示数据', 'demo data cannot be seeded in production');
  }
  const platform = await openPlatform(config, modules);
  try {
    const seeded = await seedDemoIfEmpty(platform.ctx, modules, (msg) => console.log(msg));
    if (seeded) say('已生成演示社区', 'demo community seeded');
    else say('未生成演示数据（数据库已有数据）', 'nothing seeded (the database already holds data)');
    return 0;
  } finally {
    await platform.close();
  }
}
