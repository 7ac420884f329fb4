import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertProductionReady, loadConfig } from './config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEY = 'ab'.repeat(32);
const SECRET = 'a long session secret for the tests';

describe('production refusal (等保)', () => {
  it('refuses production without ENCRYPTION_KEY and SESSION_SECRET, naming what is missing', () => {
    expect(() => assertProductionReady(loadConfig({ NODE_ENV: 'production' }))).toThrow(
      '生产环境必须设置 ENCRYPTION_KEY, SESSION_SECRET / production requires ENCRYPTION_KEY, SESSION_SECRET',
    );
    expect(() => assertProductionReady(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET }))).toThrow(/必须设置 ENCRYPTION_KEY \/ production requires ENCRYPTION_KEY$/);
    expect(() => assertProductionReady(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY }))).toThrow(/必须设置 SESSION_SECRET \/ production requires SESSION_SECRET$/);
    // Empty values count as missing.
    expect(() => assertProductionReady(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: '', SESSION_SECRET: '' }))).toThrow(/ENCRYPTION_KEY, SESSION_SECRET/);
  });

  it('refuses demo mode in production', () => {
    for (const demo of ['1', 'true', 'yes']) {
      const config = loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY, SESSION_SECRET: SECRET, LINLI_DEMO: demo });
      expect(config.demo).toBe(true);
      expect(() => assertProductionReady(config)).toThrow('生产环境不能启用演示模式 (LINLI_DEMO) / production cannot run in demo mode');
    }
  });

  it('accepts production with both secrets and demo off (the production default)', () => {
    const config = loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY, SESSION_SECRET: SECRET });
    expect(config.demo).toBe(false);
    expect(() => assertProductionReady(config)).not.toThrow();
    expect(() => assertProductionReady(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY, SESSION_SECRET: SECRET, LINLI_DEMO: '0' }))).not.toThrow();
  });

  it('does not apply outside production', () => {
    expect(() => assertProductionReady(loadConfig({ NODE_ENV: 'development' }))).not.toThrow();
    expect(() => assertProductionReady(loadConfig({ NODE_ENV: 'test', LINLI_DEMO: '1' }))).not.toThrow();
  });

  describe('the real server entry', { timeout: 120_000 }, () => {
    let dataDir: string;
    beforeAll(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-prod-'));
    });
    afterAll(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    function startServer(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const base = { ...process.env };
      for (const k of ['ENCRYPTION_KEY', 'SESSION_SECRET', 'LINLI_DEMO', 'DATABASE_URL', 'DATA_DIR', 'PORT', 'HOST']) delete base[k];
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
          cwd: ROOT,
          // Port 0: if the refusal ever regressed, the server would still not collide with anything.
          env: { ...base, NODE_ENV: 'production', DATA_DIR: dataDir, DATABASE_URL: `sqlite:${path.join(dataDir, 'linli.sqlite')}`, PORT: '0', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    }

    it('exits non-zero without the secrets, before touching the data folder', async () => {
      const r = await startServer({});
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('生产环境必须设置 ENCRYPTION_KEY, SESSION_SECRET / production requires ENCRYPTION_KEY, SESSION_SECRET');
      expect(r.stdout).not.toMatch(/已启动|started/);
      // No database created, no key generated to stand in for the missing one.
      expect(fs.readdirSync(dataDir)).toEqual([]);
    });

    it('exits non-zero in demo mode even with the secrets', async () => {
      const r = await startServer({ ENCRYPTION_KEY: KEY, SESSION_SECRET: SECRET, LINLI_DEMO: '1' });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('生产环境不能启用演示模式 (LINLI_DEMO) / production cannot run in demo mode');
      expect(fs.readdirSync(dataDir)).toEqual([]);
    });
  });
});
