import QRCode from 'qrcode';

/** QR codes for any page ("扫码即办"), as SVG for screens and print, PNG for downloads. */
export async function renderQrSvg(text: string, opts: { margin?: number } = {}): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: opts.margin ?? 2 });
}

export async function renderQrPng(text: string, opts: { width?: number } = {}): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', width: opts.width ?? 320, margin: 2 });
}

/**
 * Whether `path` is a path on this site (`/m/services/12?tab=guide`), never a way out of it.
 * Browsers read `//host`, `/\host` and `/\t/host` as another origin, so a leading slash alone
 * is not enough; control characters and whitespace are refused for the same reason.
 */
export function isSameOriginPath(path: string): boolean {
  if (path.length === 0 || path.length > 1024) return false;
  if (!path.startsWith('/')) return false;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u0020\u007f\\]/.test(path)) return false;
  if (path.startsWith('//')) return false;
  // Belt and braces: resolving against a dummy origin must stay on it.
  try {
    const probe = 'https://same-origin.invalid';
    return new URL(path, probe).origin === probe;
  } catch {
    return false;
  }
}

/** The absolute URL of an in-app path on the origin the request came to. */
export function absoluteUrl(origin: string, path: string): string {
  if (!isSameOriginPath(path)) throw new Error('not a same-origin path');
  const url = new URL(path, origin);
  if (url.origin !== new URL(origin).origin) throw new Error('not a same-origin path');
  return url.toString();
}
