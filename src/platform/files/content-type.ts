import { fileTypeFromFile } from 'file-type';

/**
 * What an upload really is, decided by its bytes. The client's name and Content-Type are
 * ignored: a PDF named .jpg is a PDF, and an .exe named .png is refused.
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Binary types we accept, by detected MIME type → the extensions a file of that type may carry. */
export const ALLOWED_BINARY: Record<string, { ext: string[]; inline: boolean }> = {
  'image/jpeg': { ext: ['jpg', 'jpeg', 'jfif'], inline: true },
  'image/png': { ext: ['png'], inline: true },
  'image/webp': { ext: ['webp'], inline: true },
  'image/gif': { ext: ['gif'], inline: true },
  'application/pdf': { ext: ['pdf'], inline: true },
  [XLSX]: { ext: ['xlsx'], inline: false },
  [DOCX]: { ext: ['docx'], inline: false },
};

const TEXT_EXT = ['txt', 'csv', 'tsv', 'log'];

export type TextEncoding = 'utf-8' | 'gb18030';

/**
 * Decides, chunk by chunk, whether a stream is plain text in UTF-8 or GB18030 (which covers
 * GBK and GB2312, what Excel in China saves CSV as). Control bytes other than tab, line breaks,
 * form feed and the old DOS end-of-file mark (NUL above all) mean binary.
 */
export class TextSniffer {
  private utf8: TextDecoder | null = new TextDecoder('utf-8', { fatal: true });
  private gb: TextDecoder | null = new TextDecoder('gb18030', { fatal: true });
  private controlFree = true;

  feed(chunk: Uint8Array): void {
    if (this.controlFree) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1a) {
          this.controlFree = false;
          this.utf8 = this.gb = null;
          return;
        }
      }
    }
    this.utf8 = tryDecode(this.utf8, chunk);
    this.gb = tryDecode(this.gb, chunk);
  }

  /** The encoding once the stream has ended, or null when it is not text. */
  finish(): TextEncoding | null {
    if (!this.controlFree) return null;
    this.utf8 = tryDecode(this.utf8, undefined);
    this.gb = tryDecode(this.gb, undefined);
    // Valid UTF-8 is almost never accidental; GB18030 accepts more, so it comes second.
    if (this.utf8) return 'utf-8';
    if (this.gb) return 'gb18030';
    return null;
  }
}

function tryDecode(decoder: TextDecoder | null, chunk: Uint8Array | undefined): TextDecoder | null {
  if (!decoder) return null;
  try {
    if (chunk) decoder.decode(chunk, { stream: true });
    else decoder.decode();
    return decoder;
  } catch {
    return null;
  }
}

export interface DetectedType {
  mime: string;
  /** The extension a download of this file should carry. */
  ext: string;
  inline: boolean;
}

export type Detection = { ok: true; type: DetectedType } | { ok: false; detected: string };

/** Classifies a stored temp file; `text` is the sniffer's verdict on the same bytes. */
export async function detectType(file: string, text: TextEncoding | null, originalName: string): Promise<Detection> {
  let found;
  try {
    found = await fileTypeFromFile(file);
  } catch {
    // A parser tripping over the bytes (a zip cut short, say) is no file we want either.
    return { ok: false, detected: 'malformed' };
  }
  if (found) {
    const allowed = ALLOWED_BINARY[found.mime];
    if (!allowed) return { ok: false, detected: found.mime };
    return { ok: true, type: { mime: found.mime, ext: allowed.ext[0]!, inline: allowed.inline } };
  }
  if (!text) return { ok: false, detected: 'application/octet-stream' };
  // Text is text: the name only tells a table (CSV) from prose, which is harmless to trust.
  const csv = extensionOf(originalName) === 'csv';
  return { ok: true, type: { mime: `${csv ? 'text/csv' : 'text/plain'}; charset=${text}`, ext: csv ? 'csv' : 'txt', inline: false } };
}

export function extensionOf(name: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[1]!.toLowerCase() : '';
}

/** The name a download carries: the uploader's name, with an extension that tells the truth. */
export function downloadName(originalName: string, mime: string): string {
  const base = mime.split(';')[0]!.trim();
  const allowedExt = ALLOWED_BINARY[base]?.ext ?? (base === 'text/csv' ? ['csv'] : TEXT_EXT);
  const ext = extensionOf(originalName);
  if (allowedExt.includes(ext)) return originalName;
  const stem = ext ? originalName.slice(0, -(ext.length + 1)) : originalName;
  return `${stem || 'file'}.${allowedExt[0]}`;
}

/** `Content-Disposition` with an ASCII fallback and the real name per RFC 5987/6266. */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'file';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Keeps only the last path segment of a client-sent name, without control characters. */
export function cleanFileName(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  const cleaned = [...last.replace(/[\u0000-\u001f\u007f]/g, '').trim()].slice(0, 200).join('');
  return cleaned || 'file';
}
