import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** `sqlite:` path or `postgres://` URL. */
  databaseUrl: string;
  dataDir: string;
  /** Demo mode seeds the demo community and allows the demo accounts. */
  demo: boolean;
  encryptionKey?: string;
  sessionSecret?: string;
  sessionIdleMinutes: number;
  loginRateLimitPerMinute: number;
  maxUploadBytes: number;
  logLevel: string;
  /** Optional raster tile URL template for maps; empty means GeoJSON only. */
  mapTileUrl: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const dataDir = path.resolve(env.DATA_DIR ?? 'data');
  const config: Config = {
    env: nodeEnv,
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    databaseUrl: env.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'linli.sqlite')}`,
    dataDir,
    demo: env.LINLI_DEMO ? env.LINLI_DEMO !== '0' && env.LINLI_DEMO !== 'false' : nodeEnv !== 'production',
    encryptionKey: env.ENCRYPTION_KEY || undefined,
    sessionSecret: env.SESSION_SECRET || undefined,
    sessionIdleMinutes: Number(env.SESSION_IDLE_MINUTES ?? 30),
    loginRateLimitPerMinute: Number(env.LOGIN_RATE_LIMIT ?? 30),
    maxUploadBytes: Number(env.MAX_UPLOAD_BYTES ?? 10 * 1024 * 1024),
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    mapTileUrl: env.MAP_TILE_URL ?? '',
    ...overrides,
  };
  return config;
}

/** 等保: production refuses to run on demo secrets. */
export function assertProductionReady(config: Config): void {
  if (config.env !== 'production') return;
  const missing: string[] = [];
  if (!config.encryptionKey) missing.push('ENCRYPTION_KEY');
  if (!config.sessionSecret) missing.push('SESSION_SECRET');
  if (missing.length) throw new Error(`生产环境必须设置 ${missing.join(', ')} / production requires ${missing.join(', ')}`);
  if (config.demo) throw new Error('生产环境不能启用演示模式 (LINLI_DEMO) / production cannot run in demo mode');
}
