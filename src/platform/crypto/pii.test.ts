import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cipherFromThreadKeys, createPiiCipher, ivPool, parseKey, sealedKey, withSealed } from './pii.js';
import { maskIdNumber, maskName, maskPhone, maskSensitiveText } from './mask.js';

describe('PII cipher', () => {
  const sut = createPiiCipher(randomBytes(32));

  it('encrypts with a fresh IV each time and decrypts back', () => {
    const a = sut.encrypt('330481199001011234');
    const b = sut.encrypt('330481199001011234');
    expect(a).not.toBe(b);
    expect(a).not.toContain('330481199001011234');
    expect(sut.decrypt(a)).toBe('330481199001011234');
  });

  it('never hands out the same IV twice, across refills of the pool', () => {
    const next = ivPool();
    const ivs = Array.from({ length: 3000 }, () => next());
    expect(ivs.every((iv) => iv.length === 12)).toBe(true);
    expect(new Set(ivs.map((iv) => iv.toString('hex'))).size).toBe(3000);
    // Handed-out IVs are copies: a refill does not change them.
    const first = ivs[0]!.toString('hex');
    for (let i = 0; i < 2048; i++) next();
    expect(ivs[0]!.toString('hex')).toBe(first);
    const stored = Array.from({ length: 2100 }, () => sut.encrypt('13857391234').split(':')[1]);
    expect(new Set(stored).size).toBe(2100);
  });

  it('detects a tampered ciphertext (GCM tag)', () => {
    const c = sut.encrypt('13857391234');
    const parts = c.split(':');
    const body = Buffer.from(parts[2]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[2] = body.toString('base64url');
    expect(() => sut.decrypt(parts.join(':'))).toThrow();
  });

  it('gives a stable blind index per kind that another key cannot reproduce', () => {
    expect(sut.blindIndex('id', '33048119900101123x')).toBe(sut.blindIndex('id', '33048119900101123X'));
    expect(sut.blindIndex('id', '13857391234')).not.toBe(sut.blindIndex('phone', '13857391234'));
    const other = createPiiCipher(randomBytes(32));
    expect(other.blindIndex('id', '330481199001011234')).not.toBe(sut.blindIndex('id', '330481199001011234'));
  });

  it('seals the same way on another thread from its derived keys, which are not the master key', () => {
    const master = randomBytes(32);
    const original = createPiiCipher(master);
    const keys = original.threadKeys();
    expect(Buffer.from(keys.enc).equals(master)).toBe(false);
    expect(Buffer.from(keys.idx).equals(Buffer.from(keys.enc))).toBe(false);
    const copy = cipherFromThreadKeys(structuredClone(keys));
    expect(copy.blindIndex('id', '330481199001011234')).toBe(original.blindIndex('id', '330481199001011234'));
    expect(original.decrypt(copy.encrypt('13857391234'))).toBe('13857391234');
  });

  it('answers from values sealed ahead, and seals the rest itself', () => {
    const sealed = { encrypted: new Map([['13857391234', sut.encrypt('13857391234')]]), indexed: new Map([[sealedKey('phone', '13857391234'), 'precomputed']]) };
    const primed = withSealed(sut, sealed);
    expect(primed.encrypt('13857391234')).toBe(sealed.encrypted.get('13857391234'));
    expect(primed.blindIndex('phone', '13857391234')).toBe('precomputed');
    expect(primed.blindIndex('id', '13857391234')).toBe(sut.blindIndex('id', '13857391234'));
    const fresh = primed.encrypt('13900000000');
    expect(fresh).not.toBe(primed.encrypt('13900000000'));
    expect(sut.decrypt(fresh)).toBe('13900000000');
  });

  it('refuses keys of the wrong length', () => {
    expect(() => parseKey('abcd')).toThrow(/32 bytes/);
    expect(parseKey('00'.repeat(32)).length).toBe(32);
  });
});

describe('masking', () => {
  it('masks ID numbers as 330481********1234', () => {
    expect(maskIdNumber('330481199001011234')).toBe('330481********1234');
    expect(maskIdNumber('33048119900101123X')).toBe('330481********123X');
    expect(maskIdNumber('330481900101123')).toBe('330481*****1123');
  });
  it('masks phones as 138****5678 and names as 张**', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('王芳')).toBe('王*');
  });
  it('masks numbers inside free text', () => {
    expect(maskSensitiveText('/api/v1/people/lookup/330481199001011234?x=13812345678')).toBe('/api/v1/people/lookup/330481********1234?x=138****5678');
  });
});
