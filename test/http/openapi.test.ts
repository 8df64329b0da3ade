/**
 * The OpenAPI document: generated from the request schemas, served by the running app, a valid OpenAPI
 * 3.1 document, and in step with the routes the router really has (the web process refuses to start
 * otherwise; here every documented operation is also called to show it exists).
 */
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/app.js';
import { checkDocumented, OPERATIONS } from '../../src/http/openapi.js';
import { call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';

let fake: FakeSlack;
let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: the document is read field by field.
let doc: any;

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake);
  const res = await call(`${app.url}/api/v1/openapi.json`, 'GET');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

describe('GET /api/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it("carries package.json's version", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(doc.info.version).toBe(pkg.version);
  });

  it('describes request bodies with the schemas that validate them', () => {
    const health =
      doc.paths['/api/v1/solutions/{id}/health'].post.requestBody.content['application/json'].schema;
    expect(health.properties.status.enum).toEqual(['healthy', 'unhealthy']);
    expect(health.additionalProperties).toBe(false);
    const events =
      doc.paths['/api/v1/solutions/{id}/events'].post.requestBody.content['application/json'].schema;
    expect(events.properties.events.maxItems).toBe(500);
    const create = doc.paths['/api/v1/solutions'].post.requestBody.content['application/json'].schema;
    // The input side: a duration is sent as text.
    expect(create.properties.expectedEvery.type).toBe('string');
  });

  it('documents every registered route, and each documented operation exists', async () => {
    for (const key of Object.keys(OPERATIONS)) {
      const [method = '', path = ''] = key.split(' ');
      const concrete = path
        .replace(':enrollmentId', 'enr-00000000-0000-0000-0000-000000000000')
        .replace(/:[a-zA-Z]+/g, 'x');
      const res = await call(`${app.url}${concrete}`, method);
      // Unauthenticated calls are refused, but never with "no such endpoint" or "method not allowed".
      expect(res.status, key).not.toBe(405);
      if (res.status === 404) expect(res.body?.message, key).not.toBe('no such endpoint');
    }
  });

  it('refuses a router that differs from the document, naming the difference', () => {
    const routes = Object.keys(OPERATIONS).map((k) => {
      const [method = '', path = ''] = k.split(' ');
      return { method, path };
    });
    expect(() => checkDocumented(routes)).not.toThrow();
    expect(() => checkDocumented([...routes, { method: 'GET', path: '/api/v1/secret' }])).toThrow(
      /undocumented \["GET \/api\/v1\/secret"\]/,
    );
    expect(() => checkDocumented(routes.slice(1))).toThrow(/documented but not registered/);
  });
});
