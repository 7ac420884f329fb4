import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { PiiCipher } from './crypto/pii.js';

/** What every platform service and module use case is given: no globals, easy to build in tests. */
export interface PlatformContext {
  config: Config;
  db: Db;
  pii: PiiCipher;
  /** Key for session CSRF tokens and other server-side MACs. */
  sessionKey: Buffer;
  /** Injected clock so tests can move time (lockout, idle expiry, deadlines). */
  now: () => Date;
}
