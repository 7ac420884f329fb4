import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { rotatingToken, signedLinkKey, signedPath, signLinkToken, verifyLinkToken, verifyOrThrow } from './signed-link.js';

const key = signedLinkKey(Buffer.alloc(32, 7));
const otherKey = signedLinkKey(Buffer.alloc(32, 8));
const T0 = new Date('2026-11-26T02:00:30Z');

describe('signed links for QR codes', () => {
  it('derives a key of its own from the session key', () => {
    expect(key).toHaveLength(32);
    expect(key.equals(Buffer.alloc(32, 7))).toBe(false);
    expect(signedLinkKey(Buffer.alloc(32, 7)).equals(key)).toBe(true);
  });

  it('signs and verifies purpose, subject and window', () => {
    const token = signLinkToken(key, { purpose: 'volunteer.checkin', subject: 'opp123', notBefore: T0, expiresAt: new Date(T0.getTime() + 120_000) });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(token.length).toBeLessThan(100);
    const r = verifyLinkToken(key, token, { purposes: ['volunteer.checkin'], now: new Date(T0.getTime() + 60_000) });
    expect(r).toEqual({ ok: true, claims: { purpose: 'volunteer.checkin', subject: 'opp123', notBefore: new Date('2026-11-26T02:00:30Z'), expiresAt: new Date('2026-11-26T02:02:30Z') } });
  });

  it('refuses a token changed in any part, or signed with another key', () => {
    const token = signLinkToken(key, { purpose: 'volunteer.checkin', subject: 'opp123', notBefore: T0, expiresAt: new Date(T0.getTime() + 120_000) });
    const now = T0;
    const [payload, mac] = token.split('.') as [string, string];
    // Another subject with the old signature.
    const forgedPayload = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('opp123', 'opp999')).toString('base64url');
    expect(verifyLinkToken(key, `${forgedPayload}.${mac}`, { purposes: ['volunteer.checkin'], now }).ok).toBe(false);
    expect(verifyLinkToken(key, `${forgedPayload}.${mac}`, { purposes: ['volunteer.checkin'], now })).toMatchObject({ reason: 'bad_signature' });
    // A later expiry with the old signature.
    const longer = Buffer.from(Buffer.from(payload, 'base64url').toString().replace(/~[0-9a-z]+$/, '~zzzzzz')).toString('base64url');
    expect(verifyLinkToken(key, `${longer}.${mac}`, { purposes: ['volunteer.checkin'], now })).toMatchObject({ ok: false, reason: 'bad_signature' });
    // One character of the signature changed.
    const flipped = `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    expect(verifyLinkToken(key, flipped, { purposes: ['volunteer.checkin'], now })).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyLinkToken(otherKey, token, { purposes: ['volunteer.checkin'], now })).toMatchObject({ ok: false, reason: 'bad_signature' });
    for (const junk of ['', 'abc', 'a.b.c', `${payload}.`, '..', '你好.世界']) expect(verifyLinkToken(key, junk, { purposes: ['volunteer.checkin'], now })).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses a token before and after its window and for another purpose', () => {
    const token = signLinkToken(key, { purpose: 'volunteer.checkout', subject: 'opp1', notBefore: T0, expiresAt: new Date(T0.getTime() + 120_000) });
    expect(verifyLinkToken(key, token, { purposes: ['volunteer.checkout'], now: new Date(T0.getTime() - 1000) })).toMatchObject({ ok: false, reason: 'not_yet_valid' });
    expect(verifyLinkToken(key, token, { purposes: ['volunteer.checkout'], now: new Date(T0.getTime() + 120_000) })).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyLinkToken(key, token, { purposes: ['volunteer.checkin'], now: T0 })).toMatchObject({ ok: false, reason: 'wrong_purpose' });
    expect(verifyLinkToken(key, token, { purposes: ['volunteer.checkin', 'volunteer.checkout'], now: T0 }).ok).toBe(true);
  });

  it('turns failures into errors a person can act on: 403 forged, 410 expired, 400 unreadable', () => {
    const token = signLinkToken(key, { purpose: 'p', subject: 's', notBefore: T0, expiresAt: new Date(T0.getTime() + 60_000) });
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as AppError;
      }
      throw new Error('no error');
    };
    expect(err(() => verifyOrThrow(otherKey, token, { purposes: ['p'], now: T0 }))).toMatchObject({ status: 403, code: 'SIGNED_LINK_INVALID' });
    expect(err(() => verifyOrThrow(key, token, { purposes: ['p'], now: new Date(T0.getTime() + 61_000) }))).toMatchObject({ status: 410, code: 'SIGNED_LINK_EXPIRED', params: { at: '2026-11-26 10:01' } });
    expect(err(() => verifyOrThrow(key, 'nonsense', { purposes: ['p'], now: T0 }))).toMatchObject({ status: 400, code: 'SIGNED_LINK_MALFORMED' });
    expect(verifyOrThrow(key, token, { purposes: ['p'], now: T0 }).subject).toBe('s');
  });

  it('rotates: one token per period, each valid for two periods', () => {
    const a = rotatingToken(key, { purpose: 'volunteer.checkin', subject: 'opp1', at: new Date('2026-11-26T02:00:10Z') });
    const b = rotatingToken(key, { purpose: 'volunteer.checkin', subject: 'opp1', at: new Date('2026-11-26T02:00:50Z') });
    const c = rotatingToken(key, { purpose: 'volunteer.checkin', subject: 'opp1', at: new Date('2026-11-26T02:01:05Z') });
    expect(a.token).toBe(b.token);
    expect(c.token).not.toBe(a.token);
    expect(a.notBefore.toISOString()).toBe('2026-11-26T02:00:00.000Z');
    expect(a.expiresAt.toISOString()).toBe('2026-11-26T02:02:00.000Z');
    expect(a.refreshAt.toISOString()).toBe('2026-11-26T02:01:00.000Z');
    // The previous code still works while the next one shows; the one before that does not.
    expect(verifyLinkToken(key, a.token, { purposes: ['volunteer.checkin'], now: new Date('2026-11-26T02:01:30Z') }).ok).toBe(true);
    expect(verifyLinkToken(key, a.token, { purposes: ['volunteer.checkin'], now: new Date('2026-11-26T02:02:00Z') })).toMatchObject({ ok: false, reason: 'expired' });
    expect(signedPath('/m/volunteer/checkin', a.token)).toBe(`/m/volunteer/checkin?t=${a.token}`);
  });
});
