import QRCode from 'qrcode';

/** QR codes for any page ("扫码即办"), as SVG for screens and print, PNG for downloads. */
export async function renderQrSvg(text: string, opts: { margin?: number } = {}): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: opts.margin ?? 2 });
}

export async function renderQrPng(text: string, opts: { width?: number } = {}): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', width: opts.width ?? 320, margin: 2 });
}
