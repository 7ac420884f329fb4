import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import { seedFixture, type Fixture } from '../../../test/helpers/fixture.js';
import { loginAs, type Session } from '../../../test/helpers/http.js';
import { countAudit } from '../audit/audit.js';
import type { LinliApp } from '../http/app.js';
import { renderQrPng } from '../qr/qr.js';

type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };

/** A multipart/form-data body as a browser sends it. */
function multipart(parts: Part[]) {
  const boundary = `----linli${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('filename' in p) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`));
      chunks.push(p.data);
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}`));
    }
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A one-page PDF, optionally padded with a comment to `minBytes`. */
function tinyPdf(minBytes = 0): Buffer {
  const head =
    '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n' +
    '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 72 72]>> endobj\ntrailer <</Root 1 0 R>>\n';
  const tail = '%%EOF\n';
  const pad = Math.max(0, minBytes - head.length - tail.length - 2);
  return Buffer.from(head + (pad ? `%${'x'.repeat(pad)}\n` : '') + tail);
}

/** The start of a Windows executable (DOS stub), which is what a renamed .exe carries. */
function fakeExe(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

async function tinyXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow(['姓名', '楼栋']);
  ws.addRow(['朱志强', '1幢']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe(`file attachments API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  let fixture: Fixture;
  let resident: Session;

  const upload = (s: Session | null, file: { filename: string; type?: string; data: Buffer }, query = '', fields: Part[] = []) => {
    const body = multipart([...fields, { name: 'file', filename: file.filename, type: file.type ?? 'application/octet-stream', data: file.data }]);
    return app.inject({
      method: 'POST',
      url: `/api/v1/files${query}`,
      headers: { ...(s?.headers ?? {}), 'content-type': body.contentType },
      payload: body.payload,
    });
  };
  const download = (s: Session, id: string, query = '') => app.inject({ method: 'GET', url: `/api/v1/files/${id}${query}`, headers: { cookie: s.cookie } });
  const storedBlobs = () => {
    const root = path.join(platform.dataDir, 'files');
    if (!fs.existsSync(root)) return [];
    return fs.readdirSync(root).filter((d) => d !== 'tmp').flatMap((d) => fs.readdirSync(path.join(root, d)));
  };
  const tmpFiles = () => {
    const tmp = path.join(platform.dataDir, 'files', 'tmp');
    return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
  };

  beforeAll(async () => {
    platform = await createTestPlatform({ start: new Date('2026-11-26T02:00:00Z') });
    fixture = await seedFixture(platform.ctx);
    app = await createTestApp(platform);
    resident = await loginAs(app, 'resident01');
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('should require authentication', async () => {
    const res = await upload(null, { filename: 'a.pdf', data: tinyPdf() });
    expect(res.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/files/whatever' })).statusCode).toBe(401);
  });

  it('stores a PNG content-addressed, audits the upload, and sends it back with safe headers', async () => {
    const png = await renderQrPng('https://example.test/m/', { width: 128 });
    const before = await countAudit(platform.ctx.db, 'files.attachment.upload');
    const res = await upload(resident, { filename: '门牌照片.png', type: 'image/png', data: png }, `?purpose=event.photo&orgNodeId=${fixture.nodes.grid01.id}`);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ name: '门牌照片.png', mime: 'image/png', size: png.length, sha256: sha256(png), purpose: 'event.photo', orgNodeId: fixture.nodes.grid01.id });
    const blob = path.join(platform.dataDir, 'files', body.sha256.slice(0, 2), body.sha256);
    expect(fs.readFileSync(blob).equals(png)).toBe(true);
    expect(tmpFiles()).toEqual([]);
    expect(await countAudit(platform.ctx.db, 'files.attachment.upload')).toBe(before + 1);

    const got = await download(resident, body.id);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-disposition']).toBe(`inline; filename="____.png"; filename*=UTF-8''${encodeURIComponent('门牌照片.png')}`);
    expect(got.rawPayload.equals(png)).toBe(true);
    const forced = await download(resident, body.id, '?download=1');
    expect(forced.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('keeps one blob for the same bytes uploaded twice', async () => {
    const pdf = tinyPdf(300);
    const a = (await upload(resident, { filename: 'a.pdf', data: pdf })).json();
    const b = (await upload(resident, { filename: 'b.pdf', data: pdf })).json();
    expect(a.id).not.toBe(b.id);
    expect(a.sha256).toBe(b.sha256);
    expect(storedBlobs().filter((f) => f === a.sha256)).toHaveLength(1);
  });

  it('types a file by its content: a PDF named .jpg is stored and sent as a PDF', async () => {
    const pdf = tinyPdf();
    const res = await upload(resident, { filename: 'scan.jpg', type: 'image/jpeg', data: pdf });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ mime: 'application/pdf', name: 'scan.pdf', originalName: 'scan.jpg' });
    const got = await download(resident, res.json().id);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toContain(`filename*=UTF-8''scan.pdf`);
  });

  it('accepts a real .xlsx and Chinese CSV in GB18030 or UTF-8', async () => {
    const xlsx = await upload(resident, { filename: '花名册.xlsx', data: await tinyXlsx() }, '?purpose=registry.import');
    expect(xlsx.statusCode).toBe(201);
    expect(xlsx.json().mime).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const got = await download(resident, xlsx.json().id);
    expect(got.headers['content-disposition']).toMatch(/^attachment;/);

    const gbk = iconv.encode('姓名,楼栋,备注\r\n朱志强,1幢,独居老人\r\n', 'gb18030');
    const csv = await upload(resident, { filename: '名单.csv', type: 'text/csv', data: gbk });
    expect(csv.statusCode).toBe(201);
    expect(csv.json().mime).toBe('text/csv; charset=gb18030');
    expect((await download(resident, csv.json().id)).headers['content-type']).toBe('text/csv; charset=gb18030');

    const utf8 = await upload(resident, { filename: 'notes', data: Buffer.from('走访记录：一切正常\n', 'utf8') });
    expect(utf8.json()).toMatchObject({ mime: 'text/plain; charset=utf-8', name: 'notes.txt' });
  });

  it('refuses an .exe renamed .png, and binary junk, with 415 and keeps nothing', async () => {
    const blobs = storedBlobs().length;
    const exe = await upload(resident, { filename: 'photo.png', type: 'image/png', data: fakeExe() });
    expect(exe.statusCode).toBe(415);
    expect(exe.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(exe.json().error.details.detected).toBe('application/x-msdownload');
    const junk = Buffer.concat([Buffer.from('hello'), Buffer.alloc(16), randomBytes(64)]);
    const bin = await upload(resident, { filename: 'data.csv', type: 'text/csv', data: junk });
    expect(bin.statusCode).toBe(415);
    const zip = await upload(resident, { filename: 'x.docx', data: Buffer.from('504b0304140000000800', 'hex') });
    expect(zip.statusCode).toBe(415);
    expect(storedBlobs().length).toBe(blobs);
    expect(tmpFiles()).toEqual([]);
  });

  it('enforces the upload size limit with 413, and takes files above the JSON body limit below it', async () => {
    const original = platform.ctx.config.maxUploadBytes;
    platform.ctx.config.maxUploadBytes = 4096;
    try {
      const res = await upload(resident, { filename: 'big.pdf', data: tinyPdf(8192) });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
      const fits = await upload(resident, { filename: 'small.pdf', data: tinyPdf(4000) });
      expect(fits.statusCode).toBe(201);
    } finally {
      platform.ctx.config.maxUploadBytes = original;
    }
    expect(tmpFiles()).toEqual([]);
    const large = await upload(resident, { filename: 'large.pdf', data: tinyPdf(1_500_000) });
    expect(large.statusCode).toBe(201);
    expect(large.json().size).toBeGreaterThanOrEqual(1_500_000);
  });

  it('answers missing, empty and non-multipart uploads clearly', async () => {
    const empty = await upload(resident, { filename: 'empty.pdf', data: Buffer.alloc(0) });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('FILE_EMPTY');
    const noFile = multipart([{ name: 'purpose', value: 'general' }]);
    const missing = await app.inject({ method: 'POST', url: '/api/v1/files', headers: { ...resident.headers, 'content-type': noFile.contentType }, payload: noFile.payload });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('FILE_MISSING');
    const json = await app.inject({ method: 'POST', url: '/api/v1/files', headers: resident.headers, payload: { file: 'x' } });
    expect(json.statusCode).toBe(415);
    const badPurpose = await upload(resident, { filename: 'a.pdf', data: tinyPdf() }, '', [{ name: 'purpose', value: 'Not A Purpose!' }]);
    expect(badPurpose.statusCode).toBe(400);
    expect(badPurpose.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('takes purpose and orgNodeId from form fields too', async () => {
    const res = await upload(resident, { filename: 'a.pdf', data: tinyPdf() }, '', [
      { name: 'purpose', value: 'service.application' },
      { name: 'orgNodeId', value: fixture.nodes.xishan.id },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ purpose: 'service.application', orgNodeId: fixture.nodes.xishan.id });
  });

  it('lets the owner and staff of the file’s node open it, and no one else', async () => {
    const up = await upload(resident, { filename: '身份证复印件.pdf', data: tinyPdf(500) }, `?purpose=service.application&orgNodeId=${fixture.nodes.grid01.id}`);
    const id = up.json().id;
    const own = await upload(resident, { filename: 'private.pdf', data: tinyPdf(600) });
    const ownId = own.json().id;

    const staff = await loginAs(app, 'xishan'); // community staff: org.read over the whole community
    const reads = await countAudit(platform.ctx.db, 'files.attachment.read');
    expect((await download(staff, id)).statusCode).toBe(200);
    expect(await countAudit(platform.ctx.db, 'files.attachment.read')).toBe(reads + 1);

    const otherGrid = await loginAs(app, 'grid02'); // grid worker of the other grid
    const denied = await download(otherGrid, id);
    expect(denied.statusCode).toBe(404);
    expect(denied.json().error.code).toBe('ATTACHMENT_NOT_FOUND');
    const volunteer = await loginAs(app, 'volunteer01'); // no org.read at all
    expect((await download(volunteer, id)).statusCode).toBe(404);
    // A file without a node is its owner's alone, even for staff.
    expect((await download(staff, ownId)).statusCode).toBe(404);
    expect((await download(resident, ownId)).statusCode).toBe(200);
    expect((await download(resident, 'no-such-file')).statusCode).toBe(404);
  });
});
