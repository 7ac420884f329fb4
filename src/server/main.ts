import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertProductionReady, loadConfig } from '../platform/config.js';
import { openPlatform } from '../platform/bootstrap.js';
import { buildApp } from '../platform/http/app.js';
import { modules } from '../modules/index.js';
import { seedDemoIfEmpty } from '../demo/seed.js';
import { Scheduler } from '../platform/scheduler/scheduler.js';
import { assertNoDemoAccountsInProduction } from '../platform/auth/demo-accounts.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main() {
  const config = loadConfig();
  assertProductionReady(config);
  const platform = await openPlatform(config, modules);
  await assertNoDemoAccountsInProduction(platform.ctx);
  if (config.demo) await seedDemoIfEmpty(platform.ctx, modules, (msg) => console.log(msg));
  const app = await buildApp(platform.ctx, modules, { webDir: path.join(root, 'dist', 'web') });
  // Deadlines, reminders and outbox delivery run in the server process; safe with several processes on PostgreSQL.
  const scheduler = Scheduler.forModules(platform.ctx, modules, { log: app.log });
  const stop = async () => {
    await scheduler.stop();
    await app.close();
    await platform.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await app.listen({ host: config.host, port: config.port });
  scheduler.start();
  console.log(`邻里 Linli 已启动 / started: http://${config.host}:${config.port}/  (console: /console/, resident pages: /m/, API docs: /api/docs)`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
