import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CONSOLE_PREFIX = '/console';

/** Where `vite build` writes the operator console (see console/vite.config.ts). */
export const defaultConsoleDir = () => resolve(process.cwd(), 'dist', 'console');

/**
 * Serves the operator console's built files under /console. Any other path below it is a page of the
 * single-page app and gets its index.html, so a shared link opens where it points. Without a build (tests,
 * a development checkout before `npm run build`) nothing is registered and /console is a 404.
 */
export async function registerConsole(fastify: FastifyInstance, dir = defaultConsoleDir()): Promise<boolean> {
  if (!existsSync(join(dir, 'index.html'))) return false;
  await fastify.register(fastifyStatic, {
    root: dir,
    prefix: `${CONSOLE_PREFIX}/`,
    // One route per built file: the catch-all below then only sees pages, never a missing asset's name.
    wildcard: false,
    index: false,
    // Ours, below: the default (max-age=0) would override it.
    cacheControl: false,
    setHeaders: (res, path) => {
      // Vite names assets by content hash: they never change under the same name.
      res.setHeader('cache-control', path.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page = (_req: unknown, reply: { header: (k: string, v: string) => unknown; sendFile: (f: string) => unknown }) => {
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  };
  fastify.get(CONSOLE_PREFIX, page as never);
  fastify.get(`${CONSOLE_PREFIX}/*`, (req, reply) => {
    // A missing asset is a 404, not the app's page (a browser would try to run HTML as a script).
    if (req.url.startsWith(`${CONSOLE_PREFIX}/assets/`)) return reply.code(404).send({ code: 'NOT_FOUND', message: 'no such file', details: null });
    return page(req, reply as never);
  });
  return true;
}
