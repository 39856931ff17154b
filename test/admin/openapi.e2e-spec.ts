import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, http } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';

/** Every admin route, as `METHOD path` in OpenAPI form, and whether it takes a JSON body. */
const ADMIN_ROUTES: Array<[string, string, boolean]> = [
  ['post', '/admin/connections', true],
  ['get', '/admin/connections', false],
  ['get', '/admin/connections/{id}', false],
  ['patch', '/admin/connections/{id}', true],
  ['delete', '/admin/connections/{id}', false],
  ['get', '/admin/connections/{id}/mapping', false],
  ['put', '/admin/connections/{id}/mapping', true],
  ['get', '/admin/connections/{id}/mapping/versions', false],
  ['get', '/admin/connections/{id}/mapping/versions/{version}', false],
  ['post', '/admin/connections/{id}/preview', true],
  ['post', '/admin/connections/{id}/test', false],
  ['get', '/admin/syncs', false],
  ['get', '/admin/syncs/{id}', false],
  ['post', '/admin/syncs/{id}/retry', false],
  ['post', '/admin/syncs/{id}/resolve', true],
  ['post', '/admin/resync', true],
  ['get', '/admin/events/{id}', false],
  ['post', '/admin/events/{id}/replay', false],
  ['get', '/admin/audit', false],
  ['post', '/admin/erasures', true],
  ['get', '/admin/erasures/{id}', false],
  ['get', '/admin/retention', false],
];

/** Nest's own route metadata keys (see @nestjs/common/constants) and the BODY parameter type. */
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const ROUTE_ARGS_METADATA = '__routeArguments__';
const BODY_PARAM = 3;

/** Every route the application registered, read from its controllers: method, OpenAPI path, takes @Body(). */
function registeredRoutes(app: NestFastifyApplication): Array<{ method: string; path: string; body: boolean }> {
  const routes: Array<{ method: string; path: string; body: boolean }> = [];
  const join = (...parts: string[]) =>
    `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`.replace(/:([A-Za-z_]\w*)/g, '{$1}');
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[];
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, unknown>;
        const body = Object.keys(args).some((key) => Number(key.split(':')[0]) === BODY_PARAM);
        for (const p of Array.isArray(path) ? path : [path]) {
          routes.push({ method: RequestMethod[method].toLowerCase(), path: join(base, p), body });
        }
      }
    }
  }
  return routes;
}

type Operation = {
  requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> };
  responses?: Record<string, { content?: Record<string, { schema?: Record<string, any> }> }>;
  security?: Array<Record<string, unknown>>;
  parameters?: Array<{ name: string; in: string }>;
};

describe('OpenAPI document', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let doc: { paths: Record<string, Record<string, Operation>>; components?: { securitySchemes?: Record<string, any> } };
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    const res = await http(app).get('/docs/json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('documents every admin route with its request body, success answer and the common error shape', () => {
    for (const [method, path, hasBody] of ADMIN_ROUTES) {
      const op = doc.paths[path]?.[method];
      expect({ route: `${method} ${path}`, present: op !== undefined }).toEqual({ route: `${method} ${path}`, present: true });
      if (!op) continue;
      const body = op.requestBody?.content?.['application/json']?.schema;
      expect({ route: `${method} ${path}`, body: body !== undefined }).toEqual({ route: `${method} ${path}`, body: hasBody });
      expect(op.security).toEqual(expect.arrayContaining([expect.objectContaining({ bearer: expect.anything() })]));
      const statuses = Object.keys(op.responses ?? {});
      expect(statuses.some((s) => s.startsWith('2'))).toBe(true);
      const unauthorized = op.responses?.['401']?.content?.['application/json']?.schema;
      expect(unauthorized?.properties).toEqual(expect.objectContaining({ code: expect.anything(), message: expect.anything(), details: expect.anything() }));
    }
  });

  it('documents every registered admin route, as a bearer route with a body when it reads one', () => {
    const admin = registeredRoutes(app).filter((r) => r.path.startsWith('/admin'));
    expect(admin.length).toBeGreaterThanOrEqual(ADMIN_ROUTES.length);
    for (const route of admin) {
      const op = doc.paths[route.path]?.[route.method];
      const label = `${route.method} ${route.path}`;
      expect({ label, documented: op !== undefined }).toEqual({ label, documented: true });
      if (!op) continue;
      expect({ label, secured: (op.security ?? []).some((s) => 'bearer' in s) }).toEqual({ label, secured: true });
      if (route.body) expect({ label, body: op.requestBody?.content?.['application/json']?.schema !== undefined }).toEqual({ label, body: true });
    }
  });

  it('generates request schemas from the validating zod schemas', () => {
    const mapping = doc.paths['/admin/connections/{id}/mapping'].put.requestBody!.content!['application/json'].schema!;
    expect(Object.keys(mapping.properties as object)).toEqual(
      expect.arrayContaining(['sections', 'databaseNotes', 'links', 'titleTemplate', 'privateMeetingPolicy']),
    );
    expect(mapping.additionalProperties).toBe(false);
    const resync = doc.paths['/admin/resync'].post.requestBody!.content!['application/json'].schema! as any;
    expect(resync.properties.statuses.items.enum).not.toContain('processing');
    const listParams = doc.paths['/admin/connections'].get.parameters!.map((p) => p.name);
    expect(listParams).toEqual(expect.arrayContaining(['limit', 'cursor', 'provider', 'accountId', 'enabled']));
    const versionParams = doc.paths['/admin/connections/{id}/mapping/versions'].get.parameters!.map((p) => p.name);
    expect(versionParams).toEqual(expect.arrayContaining(['limit', 'cursor']));
    const auditParams = doc.paths['/admin/audit'].get.parameters!.map((p) => p.name);
    expect(auditParams).toEqual(expect.arrayContaining(['limit', 'cursor', 'targetType', 'targetId']));
  });

  it('documents the webhook with its payload and a bearer scheme for the admin API', () => {
    const webhook = doc.paths['/webhooks/meetings']?.post;
    expect(webhook?.requestBody?.content?.['application/json']?.schema).toBeDefined();
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
