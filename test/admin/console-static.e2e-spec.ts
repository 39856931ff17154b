import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerConsole } from '../../src/common/http/console-static';

describe('the console served at /console', () => {
  let dir: string;
  const app = Fastify();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    expect(await registerConsole(app as never, dir)).toBe(true);
    app.get('/admin/x', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  // A real socket: fastify's inject loads an ES-module-only dependency that jest on Node 20 cannot require.
  const get = async (url: string, on = app) => {
    const address = on.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${address.port}${url}`);
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  };
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the app for /console and for any page below it, so a shared link opens', async () => {
    for (const url of ['/console', '/console/', '/console/syncs/0b6e', '/console/connections/1/mapping']) {
      const res = await get(url);
      expect({ url, status: res.statusCode, body: res.body }).toEqual({ url, status: 200, body: '<!doctype html><title>console</title>' });
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets for a year, a missing asset is a 404 rather than the page, other routes are untouched', async () => {
    const asset = await get('/console/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await get('/console/assets/gone.js')).statusCode).toBe(404);
    expect(JSON.parse((await get('/admin/x')).body)).toEqual({ ok: true });
  });

  it('registers nothing without a build', async () => {
    const bare = Fastify();
    expect(await registerConsole(bare as never, join(dir, 'nowhere'))).toBe(false);
    await bare.listen({ port: 0, host: '127.0.0.1' });
    expect((await get('/console', bare)).statusCode).toBe(404);
    await bare.close();
  });
});
