import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { adminQuery, IS_PG, TEMPLATE_DB_PREFIX, TEST_DB_PREFIX } from './helpers/platform.js';

/**
 * Once per `vitest run` of the server project: a run id for the migrated templates that test
 * files copy (test/helpers/platform.ts), and clean-up of this run's templates and of what runs
 * that died left behind more than three hours ago.
 */
const STALE_MS = 3 * 3_600_000;

const runIdOf = (name: string, prefix: string) => {
  const id = name.slice(prefix.length).split(/[_-]/)[0] ?? '';
  return /^[0-9a-z]+$/.test(id) ? parseInt(id, 36) : NaN;
};

async function cleanUp(keep: (name: string, prefix: string) => boolean) {
  for (const f of fs.readdirSync(os.tmpdir())) {
    if (f.startsWith('linli-tpl-') && !keep(f, 'linli-tpl-')) fs.rmSync(path.join(os.tmpdir(), f), { recursive: true, force: true });
  }
  if (!IS_PG) return;
  const rows = (await adminQuery(`select datname from pg_database where datname like 'linli\\_t%'`)).rows as { datname: string }[];
  for (const { datname } of rows) {
    const prefix = datname.startsWith(TEMPLATE_DB_PREFIX) ? TEMPLATE_DB_PREFIX : datname.startsWith(TEST_DB_PREFIX) ? TEST_DB_PREFIX : null;
    if (prefix && !keep(datname, prefix)) await adminQuery(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    linliTestRun: string;
  }
}

export default async function setup({ provide }: TestProject) {
  const started = Date.now();
  provide('linliTestRun', started.toString(36));
  // Another run may be going on (two terminals): only what is old is someone else's leftover.
  await cleanUp((name, prefix) => !(started - runIdOf(name, prefix) > STALE_MS));
  return async () => {
    await cleanUp((name, prefix) => runIdOf(name, prefix) !== started);
  };
}
