import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestPlatform, DIALECT_LABEL, type TestPlatform } from '../../../test/helpers/platform.js';
import type { LinliApp } from '../http/app.js';
import { absoluteUrl, isSameOriginPath, renderQrSvg } from './qr.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe(`QR codes API (${DIALECT_LABEL})`, () => {
  let platform: TestPlatform;
  let app: LinliApp;
  const qr = (query: string, host = 'linli.example.gov.cn') => app.inject({ method: 'GET', url: `/api/v1/qr?${query}`, headers: { host } });

  beforeAll(async () => {
    platform = await createTestPlatform();
    app = await createTestApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('answers without logging in, as SVG by default, cacheable', async () => {
    const res = await qr(`path=${encodeURIComponent('/m/services/12?tab=guide')}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(res.body).toMatch(/<path [^>]*d="M/);
    // Same markup as the library gives for the absolute URL on the request's origin.
    expect(res.body).toBe(await renderQrSvg('http://linli.example.gov.cn/m/services/12?tab=guide'));
  });

  it('encodes the origin the request came to', async () => {
    const a = await qr('path=/m/', 'a.example.test');
    const b = await qr('path=/m/', 'b.example.test:8443');
    expect(a.body).toBe(await renderQrSvg('http://a.example.test/m/'));
    expect(b.body).toBe(await renderQrSvg('http://b.example.test:8443/m/'));
    expect(a.body).not.toBe(b.body);
  });

  it('renders PNG with the PNG signature, at the asked size', async () => {
    const res = await qr('path=/m/party/meetings/3/checkin&format=png&size=256');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // IHDR width, big-endian at byte 16.
    expect(res.rawPayload.readUInt32BE(16)).toBe(256);
  });

  it('refuses paths that lead off the site with 400', async () => {
    for (const path of ['//evil.example/m/', 'https://evil.example/', 'http:/evil.example', 'm/relative', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)']) {
      const res = await qr(`path=${encodeURIComponent(path)}`);
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error.code, path).toBe('QR_PATH_INVALID');
    }
    expect((await qr('path=/m/&format=gif')).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/qr' })).statusCode).toBe(400);
  });

  it('checks paths the same way outside HTTP', () => {
    expect(isSameOriginPath('/m/events/1')).toBe(true);
    expect(isSameOriginPath('/m/搜索?q=路灯')).toBe(true);
    expect(isSameOriginPath('//evil')).toBe(false);
    expect(isSameOriginPath('')).toBe(false);
    expect(absoluteUrl('https://linli.example.gov.cn', '/m/x')).toBe('https://linli.example.gov.cn/m/x');
    expect(() => absoluteUrl('https://linli.example.gov.cn', '//evil')).toThrow();
  });
});
