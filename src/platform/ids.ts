import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/**
 * A 16-character, time-ordered id (48-bit ms time + 32 random bits), generated in code so
 * both databases share it and indexes stay append-friendly.
 */
export function newId(now = Date.now()): string {
  let out = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  const rnd = randomBytes(4);
  let r = rnd.readUInt32BE(0);
  let tail = '';
  for (let i = 0; i < 6; i++) {
    tail = ALPHABET[r % 32] + tail;
    r = Math.floor(r / 32);
  }
  return out + tail;
}

export function nowIso(date = new Date()): string {
  return date.toISOString();
}
