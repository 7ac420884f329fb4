import { Secret, TOTP } from 'otpauth';

/** RFC 6238 TOTP as authenticator apps use it (SHA-1, 6 digits, 30 s). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({ issuer: 'Linli 邻里', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });
}

/**
 * Checks a code within ±1 step and returns the step it matched, so a code cannot be replayed
 * (the caller stores the last accepted step).
 */
export function checkTotp(secretBase32: string, code: string, now: Date, lastStep: number | null): number | null {
  const totp = totpFor(secretBase32, 'check');
  const delta = totp.validate({ token: code.trim(), timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now.getTime() / 30000) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

export function currentTotp(secretBase32: string, now: Date): string {
  return totpFor(secretBase32, 'gen').generate({ timestamp: now.getTime() });
}
