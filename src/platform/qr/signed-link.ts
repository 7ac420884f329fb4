import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';
import { addMessages } from '../i18n/i18n.js';

/**
 * Signed, time-limited links for QR codes shown at a place (volunteers' check-in and check-out,
 * party meetings' sign-in): `/m/volunteer/checkin?t=<token>`. Nothing is stored: the token
 * carries what it is for (purpose), what it is about (subject id) and its validity window, and
 * an HMAC-SHA256 over all of them with a key derived from the server's secret. A token shown on
 * a screen is replaced every `periodSeconds` and lives `validSeconds`, so a photo of it passed on
 * later is refused as expired.
 *
 * ```ts
 * const key = signedLinkKey(ctx.sessionKey);
 * const { token, expiresAt } = rotatingToken(key, { purpose: 'volunteer.checkin', subject: opportunityId, at: ctx.now() });
 * const link = signedPath('/m/volunteer/checkin', token);           // → /m/volunteer/checkin?t=…
 * const claims = verifyOrThrow(key, token, { purposes: ['volunteer.checkin'], now: ctx.now() });
 * ```
 *
 * Token: `base64url(payload) "." base64url(mac)`, payload `1~purpose~subject~notBefore~expires`
 * (seconds since the epoch, base 36), mac = the first 16 bytes of HMAC-SHA256(key, payload).
 * The key: HKDF-SHA256 of the session key (SESSION_SECRET, or in demo and tests the generated
 * `data/session.key` the sessions use) with info `linli/signed-link/v1`, so it is never the key
 * of the CSRF tokens.
 */

const VERSION = '1';
const MAC_BYTES = 16;

addMessages({
  'error.SIGNED_LINK_MALFORMED': { 'zh-CN': '二维码内容不完整，请重新扫描现场的二维码', en: 'The QR code could not be read; scan the code on site again' },
  'error.SIGNED_LINK_INVALID': { 'zh-CN': '二维码无效（签名校验未通过），请扫描现场工作人员出示的二维码', en: 'This QR code is not valid (its signature does not match); scan the code shown on site' },
  'error.SIGNED_LINK_EXPIRED': { 'zh-CN': '二维码已过期（{at} 失效），请扫描现场最新的二维码', en: 'This QR code expired at {at}; scan the latest code on site' },
  'error.SIGNED_LINK_NOT_YET_VALID': { 'zh-CN': '二维码尚未生效，请稍后再扫', en: 'This QR code is not valid yet; try again in a moment' },
  'error.SIGNED_LINK_WRONG_PURPOSE': { 'zh-CN': '这个二维码不是用于此处的', en: 'This QR code is not meant for this' },
});

export interface SignedClaims {
  /** What the link is for, e.g. `volunteer.checkin`: letters, digits, `.`, `-`, `_`. */
  purpose: string;
  /** The record it is about (an id). */
  subject: string;
  notBefore: Date;
  expiresAt: Date;
}

export type VerifyFailure = 'malformed' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'wrong_purpose';
export type VerifyResult = { ok: true; claims: SignedClaims } | { ok: false; reason: VerifyFailure; claims?: SignedClaims };

const SAFE = /^[A-Za-z0-9._-]{1,64}$/;

/** The signing key for links, derived from the server's session key (domain-separated from CSRF). */
export function signedLinkKey(sessionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionKey, Buffer.alloc(0), 'linli/signed-link/v1', 32));
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function mac(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);
}

/** Signs claims into a compact URL-safe token. */
export function signLinkToken(key: Buffer, claims: SignedClaims): string {
  if (!SAFE.test(claims.purpose) || !SAFE.test(claims.subject)) throw new Error('purpose and subject must be short URL-safe identifiers');
  if (claims.expiresAt.getTime() <= claims.notBefore.getTime()) throw new Error('a signed link must expire after it starts');
  const payload = [VERSION, claims.purpose, claims.subject, seconds(claims.notBefore).toString(36), seconds(claims.expiresAt).toString(36)].join('~');
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${mac(key, payload).toString('base64url')}`;
}

/**
 * Checks a token: its form, its signature (constant-time), then the purposes the caller accepts
 * and the time window at `now`. No allowance for clock skew is needed: the server's own clock
 * both signs and checks (the phone only carries the token).
 */
export function verifyLinkToken(key: Buffer, token: string, opts: { purposes: readonly string[]; now: Date }): VerifyResult {
  if (typeof token !== 'string' || token.length > 512) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) return { ok: false, reason: 'malformed' };
  const payload = Buffer.from(parts[0]!, 'base64url').toString('utf8');
  const given = Buffer.from(parts[1]!, 'base64url');
  const fields = payload.split('~');
  if (fields.length !== 5 || fields[0] !== VERSION) return { ok: false, reason: 'malformed' };
  const [, purpose, subject, nbf36, exp36] = fields as [string, string, string, string, string];
  if (!SAFE.test(purpose) || !SAFE.test(subject) || !/^[0-9a-z]{1,12}$/.test(nbf36) || !/^[0-9a-z]{1,12}$/.test(exp36)) return { ok: false, reason: 'malformed' };
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  const claims: SignedClaims = { purpose, subject, notBefore: new Date(parseInt(nbf36, 36) * 1000), expiresAt: new Date(parseInt(exp36, 36) * 1000) };
  if (!opts.purposes.includes(purpose)) return { ok: false, reason: 'wrong_purpose', claims };
  const now = opts.now.getTime();
  if (now < claims.notBefore.getTime()) return { ok: false, reason: 'not_yet_valid', claims };
  if (now >= claims.expiresAt.getTime()) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

/** Beijing wall-clock time of an instant, for messages: 2026-11-26 10:02. */
const beijing = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/**
 * `verifyLinkToken` for routes: the claims, or an AppError a person can act on — 400 unreadable
 * or meant for something else, 403 forged or altered (bad signature), 410 expired.
 */
export function verifyOrThrow(key: Buffer, token: string, opts: { purposes: readonly string[]; now: Date }): SignedClaims {
  const r = verifyLinkToken(key, token, opts);
  if (r.ok) return r.claims;
  switch (r.reason) {
    case 'bad_signature':
      throw new AppError(403, 'SIGNED_LINK_INVALID');
    case 'expired':
      throw new AppError(410, 'SIGNED_LINK_EXPIRED', { at: beijing(r.claims!.expiresAt) });
    case 'not_yet_valid':
      throw new AppError(400, 'SIGNED_LINK_NOT_YET_VALID');
    case 'wrong_purpose':
      throw new AppError(400, 'SIGNED_LINK_WRONG_PURPOSE');
    default:
      throw new AppError(400, 'SIGNED_LINK_MALFORMED');
  }
}

export interface RotatingToken {
  token: string;
  notBefore: Date;
  expiresAt: Date;
  /** When the screen should fetch the next one (the start of the next period). */
  refreshAt: Date;
}

/**
 * The token for a screen at `at`: periods of `periodSeconds` aligned to the epoch, each token
 * valid from its period's start for `validSeconds` (default: new every 60 s, valid 2 min, so a
 * code scanned just before it changes still works when the phone has loaded the page).
 */
export function rotatingToken(key: Buffer, opts: { purpose: string; subject: string; at: Date; periodSeconds?: number; validSeconds?: number }): RotatingToken {
  const period = opts.periodSeconds ?? 60;
  const valid = opts.validSeconds ?? 120;
  if (valid < period) throw new Error('a rotating token must stay valid at least one period');
  const start = Math.floor(seconds(opts.at) / period) * period;
  const notBefore = new Date(start * 1000);
  const expiresAt = new Date((start + valid) * 1000);
  return { token: signLinkToken(key, { purpose: opts.purpose, subject: opts.subject, notBefore, expiresAt }), notBefore, expiresAt, refreshAt: new Date((start + period) * 1000) };
}

/** `path?t=token` (keeps other query parameters of `path`). */
export function signedPath(path: string, token: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}t=${encodeURIComponent(token)}`;
}
