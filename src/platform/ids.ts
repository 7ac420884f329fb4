import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

let lastTime = -1;
let lastRandom = 0;

/**
 * A 16-character, time-ordered id (48-bit ms time + 32 random bits), generated in code so
 * both databases share it and indexes stay append-friendly. Ids made one after another in the
 * same millisecond count up from the first one's random part instead of drawing again: a bulk
 * insert makes thousands of ids per millisecond, and 32 fresh random bits each would collide
 * about once in a hundred batches of 10,000 (the birthday bound).
 */
export function newId(now = Date.now()): string {
  let out = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  let r: number;
  if (now === lastTime && lastRandom < 0xffffffff) {
    r = ++lastRandom;
  } else {
    r = randomUint32();
    lastTime = now;
    lastRandom = r;
  }
  let tail = '';
  for (let i = 0; i < 6; i++) {
    tail = ALPHABET[r % 32] + tail;
    r = Math.floor(r / 32);
  }
  return out + tail;
}

/** Random bits drawn 4 KiB at a time: one call into the CSPRNG per 1,024 ids, not one per id. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = POOL_BYTES;

function randomUint32(): number {
  if (poolAt + 4 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const r = pool.readUInt32BE(poolAt);
  poolAt += 4;
  return r;
}

export function nowIso(date = new Date()): string {
  return date.toISOString();
}
