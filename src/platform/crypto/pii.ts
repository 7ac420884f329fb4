import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Personal data protection (PIPL, 等保 2.0): ID and phone numbers are stored encrypted with
 * AES-256-GCM, with a keyed hash (blind index) beside them for exact look-up. Both keys are
 * derived from the one ENCRYPTION_KEY with HKDF, so the index cannot be used to decrypt.
 */
export interface PiiCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** Deterministic keyed hash for equality look-up; `kind` separates ID numbers from phones. */
  blindIndex(kind: string, plain: string): string;
  /**
   * The derived keys, for a worker thread of this process to seal values with
   * (`cipherFromThreadKeys`): never to be stored, logged or sent out of the process.
   */
  threadKeys(): PiiThreadKeys;
}

/** The two derived keys (not the master key): encryption and blind index. */
export interface PiiThreadKeys {
  enc: Uint8Array;
  idx: Uint8Array;
}

const VERSION = 'v1';

const IV_BYTES = 12;
const IVS_PER_FILL = 1024;

/**
 * Random 12-byte IVs handed out from a pool filled 1,024 at a time: one call into the CSPRNG
 * per 1,024 encryptions instead of one each (a bulk import encrypts hundreds of thousands).
 * Each IV is a fresh CSPRNG slice, used once and never handed out again, exactly as
 * `randomBytes(12)` per call would be; the pool is refilled only after every slice is taken.
 */
export function ivPool(): () => Buffer {
  const pool = Buffer.alloc(IV_BYTES * IVS_PER_FILL);
  let next = pool.length;
  return () => {
    if (next >= pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    // A copy: the slice's bytes are overwritten at the next refill.
    const iv = Buffer.from(pool.subarray(next, next + IV_BYTES));
    next += IV_BYTES;
    return iv;
  };
}

export function createPiiCipher(masterKey: Buffer): PiiCipher {
  if (masterKey.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes (base64 or hex)');
  const enc = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'linli/pii/enc', 32));
  const idx = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'linli/pii/index', 32));
  return cipherFromThreadKeys({ enc, idx });
}

/** The cipher of `PiiCipher.threadKeys()`, in a worker thread (same ciphertexts and indexes as the original). */
export function cipherFromThreadKeys(keys: PiiThreadKeys): PiiCipher {
  const encKey = Buffer.from(keys.enc);
  const idxKey = Buffer.from(keys.idx);
  const nextIv = ivPool();
  return {
    encrypt(plain) {
      const iv = nextIv();
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${VERSION}:${iv.toString('base64url')}:${body.toString('base64url')}:${tag.toString('base64url')}`;
    },
    decrypt(stored) {
      const [version, iv, body, tag] = stored.split(':');
      if (version !== VERSION || !iv || body === undefined || !tag) throw new Error('unrecognised ciphertext');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
    blindIndex(kind, plain) {
      return createHmac('sha256', idxKey).update(`${kind}\u0000${plain.trim().toUpperCase()}`).digest('base64url');
    },
    threadKeys: () => ({ enc: new Uint8Array(encKey), idx: new Uint8Array(idxKey) }),
  };
}

/** Values sealed ahead (on a worker thread): plaintext → ciphertext, and kind + plaintext → blind index. */
export interface SealedValues {
  encrypted: Map<string, string>;
  indexed: Map<string, string>;
}

export const sealedKey = (kind: string, plain: string) => `${kind}\u0000${plain}`;

/**
 * `base`, answering from values sealed ahead where it has them. The same plaintext sealed
 * once gives one ciphertext to every row that holds it; the blind index already shows such
 * rows equal, so nothing more is revealed.
 */
export function withSealed(base: PiiCipher, sealed: SealedValues): PiiCipher {
  return {
    encrypt: (plain) => sealed.encrypted.get(plain) ?? base.encrypt(plain),
    decrypt: (stored) => base.decrypt(stored),
    blindIndex: (kind, plain) => sealed.indexed.get(sealedKey(kind, plain)) ?? base.blindIndex(kind, plain),
    threadKeys: () => base.threadKeys(),
  };
}

export function parseKey(text: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== 32) throw new Error('ENCRYPTION_KEY must decode to 32 bytes (64 hex chars or base64)');
  return buf;
}

/**
 * The key from ENCRYPTION_KEY, or in demo/dev mode a key generated once into the data folder
 * (mode 0600). Production refuses to start without ENCRYPTION_KEY (see assertProductionReady).
 */
export function loadOrCreateKey(envKey: string | undefined, dataDir: string, name: string): Buffer {
  if (envKey) return parseKey(envKey);
  const file = path.join(dataDir, `${name}.key`);
  if (fs.existsSync(file)) return parseKey(fs.readFileSync(file, 'utf8'));
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  return key;
}
